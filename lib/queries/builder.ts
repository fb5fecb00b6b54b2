import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { deleteBuilderTemplate, saveBuilderTemplate } from '@/lib/actions/builder'
import { ActionError, isErrorBody } from '@/lib/errors'
import type { SaveTemplateInput, SavedTemplate } from '@/lib/validations/builder'
import { unwrap } from './actions'
import { fetchJson } from './fetch-json'

export const builderKeys = {
  all: ['builder'] as const,
  templates: () => [...builderKeys.all, 'templates'] as const,
}

export const builderQueries = {
  templates: () =>
    queryOptions({
      queryKey: builderKeys.templates(),
      queryFn: ({ signal }) => fetchJson<SavedTemplate[]>('/api/builder/templates', { signal }),
    }),
}

export const useBuilderTemplates = () => useQuery(builderQueries.templates())

export function useSaveTemplate() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: SaveTemplateInput) => unwrap(await saveBuilderTemplate(input)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: builderKeys.templates() }),
  })
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (templateId: string) => unwrap(await deleteBuilderTemplate({ templateId })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: builderKeys.templates() }),
  })
}

/** Keeps the table a file was built from beside it (`PUT /api/files/{fileId}/source-table`); throws an ActionError on refusal. */
export async function uploadSourceTable(fileId: string, table: Blob): Promise<{ rowCount: number }> {
  const response = await fetch(`/api/files/${encodeURIComponent(fileId)}/source-table`, {
    method: 'PUT',
    headers: { 'content-type': 'application/jsonl' },
    body: table,
  })
  const body: unknown = await response.json().catch(() => null)
  if (response.ok) return body as { rowCount: number }
  if (isErrorBody(body)) throw new ActionError(body.error)
  throw new ActionError({ code: 'network_error', message: `The server answered ${response.status}; the table was not kept. Try again.` })
}
