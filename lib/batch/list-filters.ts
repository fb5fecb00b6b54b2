import { BATCH_JOB_FILTERS, BATCH_SORTS, type BatchJobFilter, type BatchSort } from '@/lib/validations/batches'
import { BATCH_STATUSES, type BatchStatus } from './status'

/** What the batch list shows: the same names as the API's and the page's query string. */
export type BatchFilters = {
  status?: BatchStatus[]
  connectionId?: string
  endpoint?: string
  model?: string
  jobs?: BatchJobFilter
  q?: string
  sort?: BatchSort
  order?: 'asc' | 'desc'
  limit?: number
}

type Params = { get(name: string): string | null }

/** The batch list's filters from the page's query string: the same names as the API's, so a URL is shareable. */
export function filtersFromParams(params: Params): BatchFilters {
  const text = (name: string) => params.get(name)?.trim() || undefined
  const status = (params.get('status') ?? '').split(',').filter((value): value is BatchStatus => (BATCH_STATUSES as readonly string[]).includes(value))
  const sort = params.get('sort')
  const order = params.get('order')
  const jobs = BATCH_JOB_FILTERS.find((value) => value === params.get('jobs'))
  return {
    ...(status.length > 0 ? { status } : {}),
    ...(text('connectionId') ? { connectionId: text('connectionId') } : {}),
    ...(text('endpoint') ? { endpoint: text('endpoint') } : {}),
    ...(text('model') ? { model: text('model') } : {}),
    ...(jobs ? { jobs } : {}),
    ...(text('q') ? { q: text('q') } : {}),
    ...(sort && (BATCH_SORTS as readonly string[]).includes(sort) ? { sort: sort as BatchSort } : {}),
    ...(order === 'asc' || order === 'desc' ? { order } : {}),
  }
}

export function filtersToSearch(filters: BatchFilters): string {
  const search = new URLSearchParams()
  if (filters.status?.length) search.set('status', filters.status.join(','))
  for (const key of ['connectionId', 'endpoint', 'model', 'jobs', 'q', 'sort', 'order'] as const) {
    const value = filters[key]
    if (value) search.set(key, value)
  }
  const query = search.toString()
  return query ? `?${query}` : ''
}

/** Whether anything narrows the list (sorting does not). */
export const isFiltered = (filters: BatchFilters) =>
  Boolean(filters.status?.length || filters.connectionId || filters.endpoint || filters.model || filters.jobs || filters.q)
