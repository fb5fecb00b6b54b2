import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { cancelBatch, createBatch, deleteBatch, refreshBatch } from '@/lib/actions/batches'
import { isTerminal, pollDelay } from '@/lib/batch'
import type { BatchDetail, BatchFacets, BatchListPage } from '@/lib/types'
import type { BatchFilters } from '@/lib/batch/list-filters'
import type { CreateBatchInput } from '@/lib/validations/batches'
import { unwrap } from './actions'
import { ApiError, fetchJson, withQuery } from './fetch-json'

export type { BatchFilters }

export const batchListParams = (filters: BatchFilters) => ({ ...filters, status: filters.status?.length ? filters.status.join(',') : undefined })

export const batchKeys = {
  all: ['batches'] as const,
  lists: () => [...batchKeys.all, 'list'] as const,
  list: (filters: BatchFilters) => [...batchKeys.lists(), filters] as const,
  facets: (filters: BatchFilters) => [...batchKeys.all, 'facets', filters] as const,
  details: () => [...batchKeys.all, 'detail'] as const,
  detail: (batchId: string) => [...batchKeys.details(), batchId] as const,
}

/**
 * Backoff for polling: when each query's answer last changed. Structural sharing keeps the same data object when an
 * answer is identical, so "changed" is "a different object than last time".
 */
const lastChange = new Map<string, { data: unknown; at: number }>()

function backoff(query: { queryHash: string }, data: unknown): number {
  const now = Date.now()
  const last = lastChange.get(query.queryHash)
  if (!last || last.data !== data) lastChange.set(query.queryHash, { data, at: now })
  return pollDelay(last && last.data === data ? now - last.at : 0)
}

const batchPath = (batchId: string) => `/api/batches/${encodeURIComponent(batchId)}`

const retryUnlessMissing = (failures: number, error: Error) => failures < 1 && !(error instanceof ApiError && (error.status === 404 || error.status === 400))

export const batchQueries = {
  list: (filters: BatchFilters = {}) =>
    infiniteQueryOptions({
      queryKey: batchKeys.list(filters),
      queryFn: ({ pageParam, signal }) => fetchJson<BatchListPage>(withQuery('/api/batches', { ...batchListParams(filters), cursor: pageParam }), { signal }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      // Live only while something listed can still change.
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) => page.data.some((batch) => !isTerminal(batch.status))) ? backoff(query, query.state.data) : false,
    }),
  facets: ({ status, connectionId, endpoint, model, jobs, q }: BatchFilters = {}) =>
    queryOptions({
      queryKey: batchKeys.facets({ status, connectionId, endpoint, model, jobs, q }),
      queryFn: ({ signal }) =>
        fetchJson<BatchFacets>(withQuery('/api/batches/facets', batchListParams({ status, connectionId, endpoint, model, jobs, q })), { signal }),
      // The menus keep their last counts while the next filter's load, instead of emptying.
      placeholderData: keepPreviousData,
    }),
  detail: (batchId: string) =>
    queryOptions({
      queryKey: batchKeys.detail(batchId),
      queryFn: ({ signal }) => fetchJson<BatchDetail>(batchPath(batchId), { signal }),
      retry: retryUnlessMissing,
      refetchInterval: (query) => {
        const data = query.state.data
        // A remote batch that has ended still changes until its files are copied here (nextSyncAt goes null).
        if (query.state.error || !data || (isTerminal(data.status) && data.nextSyncAt === null)) return false
        return backoff(query, data)
      },
    }),
}

export const useBatches = (filters: BatchFilters = {}) => useInfiniteQuery(batchQueries.list(filters))
export const useBatchFacets = (filters: BatchFilters = {}) => useQuery(batchQueries.facets(filters))
export const useBatch = (batchId: string | null) => useQuery({ ...batchQueries.detail(batchId ?? ''), enabled: batchId !== null })

export function useCreateBatch() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: CreateBatchInput) => unwrap(await createBatch(input)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: batchKeys.all }),
  })
}

export function useCancelBatch(batchId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async () => unwrap(await cancelBatch({ batchId })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: batchKeys.all }),
  })
}

export function useRefreshBatch(batchId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async () => unwrap(await refreshBatch({ batchId })),
    onSuccess: (batch) => {
      queryClient.setQueryData(batchKeys.detail(batchId), batch)
      return queryClient.invalidateQueries({ queryKey: batchKeys.lists() })
    },
  })
}

export function useDeleteBatch(batchId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ remote = false }: { remote?: boolean } = {}) => unwrap(await deleteBatch({ batchId, remote })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: batchKeys.detail(batchId) })
      return queryClient.invalidateQueries({ queryKey: batchKeys.all })
    },
  })
}
