import { queryOptions, useQuery } from '@tanstack/react-query'
import type { ConnectionSummary } from '@/lib/types'
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
