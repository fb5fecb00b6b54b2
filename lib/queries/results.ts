import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { retryBatchLines } from '@/lib/actions/batches'
import type { ResultFacets, ResultPage, ResultRowDetail } from '@/lib/types'
import type { ResultSort } from '@/lib/validations/results'
import type { ResultStatus } from '@/lib/results/extract'
import { unwrap } from './actions'
import { batchKeys } from './batches'
import { fetchJson, withQuery } from './fetch-json'

export type ResultView = { status?: ResultStatus[]; errorCode?: string; q?: string; sort: ResultSort; order: 'asc' | 'desc' }

const PAGE_ROWS = 200
/** While the index is being built, the page asks again this often. */
const INDEXING_POLL_MS = 1_000

export const resultsPath = (batchId: string, sub = '') => `/api/batches/${encodeURIComponent(batchId)}/results${sub}`

/** Query parameters of a view, shared by the table, the export links and the URL. */
export const viewParams = (view: Partial<ResultView>) => ({
  status: view.status?.length ? view.status.join(',') : undefined,
  errorCode: view.errorCode,
  q: view.q,
})

export const resultKeys = {
  all: (batchId: string) => [...batchKeys.detail(batchId), 'results'] as const,
  page: (batchId: string, view: ResultView) => [...resultKeys.all(batchId), 'page', view] as const,
  facets: (batchId: string) => [...resultKeys.all(batchId), 'facets'] as const,
  row: (batchId: string, customId: string) => [...resultKeys.all(batchId), 'row', customId] as const,
}

const pollWhileIndexing = (state: string | undefined) => (state === 'indexing' ? INDEXING_POLL_MS : false)

export const resultQueries = {
  page: (batchId: string, view: ResultView) =>
    infiniteQueryOptions({
      queryKey: resultKeys.page(batchId, view),
      queryFn: ({ pageParam, signal }) =>
        fetchJson<ResultPage>(
          withQuery(resultsPath(batchId), { ...viewParams(view), sort: view.sort, order: view.order, offset: pageParam, limit: PAGE_ROWS }),
          { signal },
        ),
      initialPageParam: 0,
      getNextPageParam: (last) => last.nextOffset ?? undefined,
      refetchInterval: (query) => pollWhileIndexing(query.state.data?.pages[0]?.index.state),
    }),
  facets: (batchId: string) =>
    queryOptions({
      queryKey: resultKeys.facets(batchId),
      queryFn: ({ signal }) => fetchJson<ResultFacets>(resultsPath(batchId, '/facets'), { signal }),
      refetchInterval: (query) => pollWhileIndexing(query.state.data?.index.state),
    }),
  row: (batchId: string, customId: string) =>
    queryOptions({
      queryKey: resultKeys.row(batchId, customId),
      queryFn: ({ signal }) => fetchJson<ResultRowDetail>(withQuery(resultsPath(batchId, '/row'), { customId }), { signal }),
    }),
}

export const useResultPage = (batchId: string, view: ResultView) => useInfiniteQuery(resultQueries.page(batchId, view))
export const useResultFacets = (batchId: string) => useQuery(resultQueries.facets(batchId))
export const useResultRow = (batchId: string, customId: string | null) =>
  useQuery({ ...resultQueries.row(batchId, customId ?? ''), enabled: customId !== null })

export function useRetryLines(batchId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: { connectionId?: string }) => unwrap(await retryBatchLines({ batchId, ...input })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: batchKeys.all }),
  })
}
