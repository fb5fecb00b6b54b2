import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { createApiKey, revokeApiKey } from '@/lib/actions/api-keys'
import type { ApiKeyList } from '@/lib/types'
import { unwrap } from './actions'
import { fetchJson } from './fetch-json'

export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: () => [...apiKeyKeys.all, 'list'] as const,
}

export const apiKeyQueries = {
  list: () =>
    queryOptions({
      queryKey: apiKeyKeys.list(),
      queryFn: ({ signal }) => fetchJson<ApiKeyList>('/api/api-keys', { signal }),
    }),
}

export const useApiKeys = () => useQuery(apiKeyQueries.list())

/** The key's plaintext is in this mutation's data only: it is not cached with the list, so it is gone once the dialog closes. */
export function useCreateApiKey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (name: string) => unwrap(await createApiKey({ name })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.list() }),
  })
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) => unwrap(await revokeApiKey({ id })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.list() }),
  })
}
