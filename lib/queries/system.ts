import { queryOptions, useQuery } from '@tanstack/react-query'
import type { SystemInfo } from '@/lib/types'
import { fetchJson } from './fetch-json'

export const systemKeys = { info: ['system', 'info'] as const }

export const systemQueries = {
  info: () =>
    queryOptions({
      queryKey: systemKeys.info,
      queryFn: ({ signal }) => fetchJson<SystemInfo>('/api/system', { signal }),
      staleTime: Infinity,
    }),
}

export const useSystemInfo = () => useQuery(systemQueries.info())
