import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { deleteUpstream, saveUpstream, testUpstream } from '@/lib/actions/upstreams'
import type { EngineUpstreams, ModelRoute } from '@/lib/types'
import type { SaveUpstreamInput } from '@/lib/validations/upstreams'
import { unwrap } from './actions'
import { fetchJson, withQuery } from './fetch-json'

export const upstreamKeys = {
  all: ['upstreams'] as const,
  list: () => [...upstreamKeys.all, 'list'] as const,
  routes: () => [...upstreamKeys.all, 'route'] as const,
  route: (model: string) => [...upstreamKeys.routes(), model] as const,
}

export const upstreamQueries = {
  list: () =>
    queryOptions({
      queryKey: upstreamKeys.list(),
      queryFn: ({ signal }) => fetchJson<EngineUpstreams>('/api/engine/upstreams', { signal }),
    }),
  route: (model: string) =>
    queryOptions({
      queryKey: upstreamKeys.route(model),
      queryFn: ({ signal }) => fetchJson<ModelRoute>(withQuery('/api/engine/routing', { model }), { signal }),
    }),
}

export const useEngineUpstreams = () => useQuery(upstreamQueries.list())
export const useModelRoute = (model: string) => useQuery({ ...upstreamQueries.route(model), enabled: model.trim() !== '' })

// Every change can move models between upstreams, so routes are asked again too.
const invalidateAll = (queryClient: ReturnType<typeof useQueryClient>) => queryClient.invalidateQueries({ queryKey: upstreamKeys.all })

export function useSaveUpstream() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: SaveUpstreamInput) => unwrap(await saveUpstream(input)),
    onSuccess: () => invalidateAll(queryClient),
  })
}

export function useDeleteUpstream() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) => unwrap(await deleteUpstream({ id })),
    onSuccess: () => invalidateAll(queryClient),
  })
}

export function useTestUpstream() {
  return useMutation({ mutationFn: async (id: string) => unwrap(await testUpstream({ id })) })
}
