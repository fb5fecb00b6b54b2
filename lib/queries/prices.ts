import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { deletePrice, resetPrices, savePrice } from '@/lib/actions/prices'
import type { PriceTable, UsageReport } from '@/lib/types'
import type { SavePriceInput } from '@/lib/validations/prices'
import { unwrap } from './actions'
import { batchKeys } from './batches'
import { fetchJson, withQuery } from './fetch-json'

export const priceKeys = {
  all: ['prices'] as const,
  table: () => [...priceKeys.all, 'table'] as const,
}

export const usageKeys = {
  all: ['usage'] as const,
  report: (from: string | undefined, to: string | undefined) => [...usageKeys.all, { from, to }] as const,
}

export const priceQueries = {
  table: () => queryOptions({ queryKey: priceKeys.table(), queryFn: ({ signal }) => fetchJson<PriceTable>('/api/prices', { signal }) }),
}

export const usageQueries = {
  report: (from?: string, to?: string) =>
    queryOptions({ queryKey: usageKeys.report(from, to), queryFn: ({ signal }) => fetchJson<UsageReport>(withQuery('/api/usage', { from, to }), { signal }) }),
}

export const usePriceTable = () => useQuery(priceQueries.table())
export const useUsageReport = (from?: string, to?: string) => useQuery(usageQueries.report(from, to))

// A price change changes every cost shown: batches (list and detail) and usage are asked again.
function useInvalidateCosts() {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: priceKeys.all }),
      queryClient.invalidateQueries({ queryKey: usageKeys.all }),
      queryClient.invalidateQueries({ queryKey: batchKeys.all }),
    ])
}

export function useSavePrice() {
  const invalidate = useInvalidateCosts()
  return useMutation({ mutationFn: async (input: SavePriceInput) => unwrap(await savePrice(input)), onSuccess: invalidate })
}

export function useDeletePrice() {
  const invalidate = useInvalidateCosts()
  return useMutation({ mutationFn: async (model: string) => unwrap(await deletePrice({ model })), onSuccess: invalidate })
}

export function useResetPrices() {
  const invalidate = useInvalidateCosts()
  return useMutation({ mutationFn: async (model?: string) => unwrap(await resetPrices(model === undefined ? {} : { model })), onSuccess: invalidate })
}
