import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { deleteConnection, importBatches, saveBuiltinLimits, saveConnection, testConnection } from '@/lib/actions/connections'
import type { ConnectionSummary } from '@/lib/types'
import type { ConnectionLimitsInput, SaveConnectionInput } from '@/lib/validations/connections'
import { unwrap } from './actions'
import { fetchJson } from './fetch-json'

export const connectionKeys = {
  all: ['connections'] as const,
  list: () => [...connectionKeys.all, 'list'] as const,
}

export const connectionQueries = {
  list: () =>
    queryOptions({
      queryKey: connectionKeys.list(),
      queryFn: ({ signal }) => fetchJson<ConnectionSummary[]>('/api/connections', { signal }),
    }),
}

export const useConnections = () => useQuery(connectionQueries.list())

export function useSaveConnection() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: SaveConnectionInput) => unwrap(await saveConnection(input)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
  })
}

/** The built-in engine's job limits; New batch's plan follows them at once. */
export function useSaveBuiltinLimits() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: ConnectionLimitsInput) => unwrap(await saveBuiltinLimits(input)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
  })
}

export function useDeleteConnection() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) => unwrap(await deleteConnection({ id })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
  })
}

/** Records the connection's batches made elsewhere; the batch list and the connection's count change. */
export function useImportBatches() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) => unwrap(await importBatches({ id })),
    onSuccess: () => queryClient.invalidateQueries(),
  })
}

export function useTestConnection() {
  return useMutation({ mutationFn: async (id: string) => unwrap(await testConnection({ id })) })
}
