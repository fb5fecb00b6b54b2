import type { BatchDetail } from '@/lib/types'
import { DESCRIPTION_KEY, type CreateBatchInput, type MetadataPair } from '@/lib/validations/batches'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'

export const DEFAULT_WINDOW = '24h'

/** What the New batch form holds; `keepResults` is the output_expires_after seconds as text, empty for the provider's default. */
export type NewBatchValues = { connectionId: string; completionWindow: string; keepResults: string; description: string; metadata: MetadataPair[] }

export function newBatchValues(clone: BatchDetail | null): NewBatchValues {
  const metadata = clone?.metadata ?? {}
  return {
    connectionId: BUILTIN_CONNECTION_ID,
    completionWindow: clone?.completionWindow ?? DEFAULT_WINDOW,
    keepResults: '',
    description: clone ? (clone.description ?? metadata[DESCRIPTION_KEY] ?? '') : '',
    metadata: Object.entries(metadata)
      .filter(([key]) => key !== DESCRIPTION_KEY)
      .map(([key, value]) => ({ key, value })),
  }
}

export function toCreateBatchInput(fileId: string, values: NewBatchValues): CreateBatchInput {
  return {
    fileId,
    connectionId: values.connectionId,
    completionWindow: values.completionWindow,
    description: values.description.trim(),
    metadata: values.metadata,
    ...(values.keepResults ? { outputExpiresAfterSeconds: Number(values.keepResults) } : {}),
  }
}
