import { queryOptions, useQuery } from '@tanstack/react-query'
import type { FileSummary, Page } from '@/lib/types'
import type { FileListQuery } from '@/lib/validations/files'
import { fetchJson, withQuery } from './fetch-json'

export type FileFilters = Partial<FileListQuery>

export const fileKeys = {
  all: ['files'] as const,
  lists: () => [...fileKeys.all, 'list'] as const,
  list: (filters: FileFilters) => [...fileKeys.lists(), filters] as const,
}

export const fileQueries = {
  list: (filters: FileFilters = {}) =>
    queryOptions({
      queryKey: fileKeys.list(filters),
      queryFn: ({ signal }) => fetchJson<Page<FileSummary>>(withQuery('/api/files', filters), { signal }),
    }),
}

export const useFiles = (filters: FileFilters = {}) => useQuery(fileQueries.list(filters))
