import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { retryBatchLines } from '@/lib/actions/batches'
import type { ResultFacets, ResultPage, ResultRowDetail } from '@/lib/types'
import type { ResultImageSide, ResultSort } from '@/lib/validations/results'
import type { ResultStatus } from '@/lib/results/extract'
import { unwrap } from './actions'
import { batchKeys } from './batches'
import { fetchJson, withQuery } from './fetch-json'
import { jobKeys } from './jobs'

export type ResultView = { status?: ResultStatus[]; errorCode?: string; q?: string; sort: ResultSort; order: 'asc' | 'desc' }

const PAGE_ROWS = 200
/** While the index is being built, or fills in as the engine runs the batch, the page asks again this often. */
const INDEXING_POLL_MS = 1_000

/** Whose results: a batch's, or a job's (its rows are kept under the job's id and read by the same queries). */
export type ResultSource = { kind: 'batch' | 'job'; id: string }

const SOURCE_BASES: Record<ResultSource['kind'], string> = { batch: '/api/batches', job: '/api/jobs' }
/** A running job's rows fill in as its parts end; the explorer reads them again this often. */
const LIVE_POLL_MS = 5_000

export const resultsPath = (source: ResultSource, sub = '') => `${SOURCE_BASES[source.kind]}/${encodeURIComponent(source.id)}/results${sub}`

/** The n-th image a request sends (`input`) or its response holds (`output`), served for thumbnails. */
export const resultImagePath = (source: ResultSource, customId: string, n: number, side: ResultImageSide) =>
  resultsPath(source, `/image?${new URLSearchParams({ customId, n: String(n), ...(side === 'output' ? { side } : {}) })}`)

/** Query parameters of a view, shared by the table, the export links and the URL. */
export const viewParams = (view: Partial<ResultView>) => ({
  status: view.status?.length ? view.status.join(',') : undefined,
  errorCode: view.errorCode,
  q: view.q,
})

export const resultKeys = {
  all: (source: ResultSource) => [...(source.kind === 'job' ? jobKeys.detail(source.id) : batchKeys.detail(source.id)), 'results'] as const,
  page: (source: ResultSource, view: ResultView) => [...resultKeys.all(source), 'page', view] as const,
  facets: (source: ResultSource) => [...resultKeys.all(source), 'facets'] as const,
  row: (source: ResultSource, customId: string) => [...resultKeys.all(source), 'row', customId] as const,
}

/** `live`: the rows may still change (a running job), so they are read again until they settle. */
const pollInterval = (state: string | undefined, live: boolean) => (state === 'indexing' || state === 'live' ? INDEXING_POLL_MS : live ? LIVE_POLL_MS : false)

export const resultQueries = {
  page: (source: ResultSource, view: ResultView, live = false) =>
    infiniteQueryOptions({
      queryKey: resultKeys.page(source, view),
      queryFn: ({ pageParam, signal }) =>
        fetchJson<ResultPage>(
          withQuery(resultsPath(source), { ...viewParams(view), sort: view.sort, order: view.order, offset: pageParam, limit: PAGE_ROWS }),
          { signal },
        ),
      initialPageParam: 0,
      getNextPageParam: (last) => last.nextOffset ?? undefined,
      refetchInterval: (query) => pollInterval(query.state.data?.pages[0]?.index.state, live),
    }),
  facets: (source: ResultSource, live = false) =>
    queryOptions({
      queryKey: resultKeys.facets(source),
      queryFn: ({ signal }) => fetchJson<ResultFacets>(resultsPath(source, '/facets'), { signal }),
      refetchInterval: (query) => pollInterval(query.state.data?.index.state, live),
    }),
  row: (source: ResultSource, customId: string) =>
    queryOptions({
      queryKey: resultKeys.row(source, customId),
      queryFn: ({ signal }) => fetchJson<ResultRowDetail>(withQuery(resultsPath(source, '/row'), { customId }), { signal }),
    }),
}

export const useResultPage = (source: ResultSource, view: ResultView, live = false) => useInfiniteQuery(resultQueries.page(source, view, live))
export const useResultFacets = (source: ResultSource, live = false) => useQuery(resultQueries.facets(source, live))
export const useResultRow = (source: ResultSource, customId: string | null) =>
  useQuery({ ...resultQueries.row(source, customId ?? ''), enabled: customId !== null })

export function useRetryLines(batchId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: { connectionId?: string }) => unwrap(await retryBatchLines({ batchId, ...input })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: batchKeys.all }),
  })
}
