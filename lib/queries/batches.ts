import { queryOptions, useQuery } from '@tanstack/react-query'
import { isTerminal } from '@/lib/batch'
import type { BatchSummary, Page } from '@/lib/types'
import type { BatchListQuery } from '@/lib/validations/batches'
import { fetchJson, withQuery } from './fetch-json'

export type BatchFilters = Partial<Pick<BatchListQuery, 'status' | 'connectionId' | 'cursor' | 'limit'>>

export const batchKeys = {
  all: ['batches'] as const,
  lists: () => [...batchKeys.all, 'list'] as const,
  list: (filters: BatchFilters) => [...batchKeys.lists(), filters] as const,
}

const ACTIVE_POLL_MS = 3_000

export const batchQueries = {
  list: (filters: BatchFilters = {}) =>
    queryOptions({
      queryKey: batchKeys.list(filters),
      queryFn: ({ signal }) => fetchJson<Page<BatchSummary>>(withQuery('/api/batches', filters), { signal }),
      // Live only while something on the page can still change.
      refetchInterval: (query) =>
        query.state.data?.data.some((batch) => !isTerminal(batch.status)) ? ACTIVE_POLL_MS : false,
    }),
}

export const useBatches = (filters: BatchFilters = {}) => useQuery(batchQueries.list(filters))
