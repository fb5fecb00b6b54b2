import 'server-only'
import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { cancelEngineBatch, createEngineBatch } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { AppError } from '@/lib/server/http/errors'
import { newTempName } from '@/lib/server/ids'
import { ensureStorageDirs, storageDirs } from '@/lib/server/storage'
import { cancelV1Batch, getV1Batch, listV1Batches } from '@/lib/server/v1/batches'
import { toOpenAIError } from '@/lib/server/v1/errors'
import { deleteV1File, getV1File, getV1FileContent } from '@/lib/server/v1/files'
import { toOpenAIBatch } from '@/lib/server/v1/serializers'
import type { BatchConnection, ProviderApi, ProviderConnection } from './types'
import type { BatchLimits } from '@/lib/connections/limits'

/**
 * The built-in engine's calls in-process, as /v1 serves them without HTTP: the engine answers OpenAI's shapes (the
 * serializers are shared), so code that treats every connection alike reads its batches and files like a provider's.
 */
export function builtinApi(): ProviderApi {
  return {
    async listBatches(page = {}) {
      const list = await listV1Batches({ limit: page.limit ?? 20, after: page.after })
      return { data: list.data, hasMore: list.has_more, lastId: list.last_id }
    },
    retrieveBatch: (batchId) => getV1Batch(batchId),
    cancelBatch: (batchId) => cancelV1Batch(batchId),
    async createBatch(params) {
      const batch = await createEngineBatch({
        inputFileId: params.inputFileId,
        endpoint: params.endpoint,
        completionWindow: params.completionWindow,
        metadata: params.metadata ?? null,
      })
      return toOpenAIBatch(batch)
    },
    async uploadFile({ path: source, filename }) {
      // Ingesting moves its input into storage; the caller's file stays where it is. An identical stored file is reused.
      await ensureStorageDirs()
      const temp = path.join(storageDirs.uploads, newTempName('builtin'))
      await copyFile(source, temp)
      const { file } = await ingestFile(temp, { filename, rejectInvalid: false, reuseDuplicate: true })
      return getV1File(file.id)
    },
    fileContent: (fileId) => getV1FileContent(fileId),
    deleteFile: (fileId) => deleteV1File(fileId),
    // No key to hide and no network between: the engine's own errors already say what to do.
    describeError: (error) => {
      const { status, body } = toOpenAIError(error)
      return { status, message: body.error.message }
    },
  }
}

/**
 * The built-in engine's lifecycle: its batch row is the batch, so a stored file starts a run as it is (no upload),
 * cancelling goes to the engine, and there is no provider copy to refresh, import or delete.
 */
export function builtinConnection(provider: ProviderConnection, limits: BatchLimits): BatchConnection {
  return {
    ...provider,
    kind: BUILTIN_CONNECTION_KIND,
    remote: false,
    limits,
    async createBatch(input) {
      const batch = await createEngineBatch({
        inputFileId: input.file.id,
        endpoint: input.file.endpoint,
        completionWindow: input.completionWindow,
        metadata: input.metadata,
        parentBatchId: input.parentBatchId,
        outputExpiresAfterSeconds: input.outputExpiresAfterSeconds ?? null,
      })
      return { id: batch.id }
    },
    refreshBatch: async () => {
      throw new AppError(400, 'invalid_request', 'Batches on the built-in engine are always up to date; there is nothing to refresh.', { param: 'batchId' })
    },
    async cancelBatch(batchId) {
      const cancelled = await cancelEngineBatch(batchId)
      return { id: cancelled.id, status: cancelled.status }
    },
    listBatches: (page) => provider.api.listBatches(page),
    importBatches: async () => {
      throw new AppError(
        409,
        'builtin_connection',
        'The built-in engine is part of Batchboard; its batches are already here. Import from a provider connection.',
        {
          param: 'id',
        },
      )
    },
    deleteFiles: async () => {
      throw new AppError(400, 'invalid_request', 'This batch ran on the built-in engine; there is no provider copy to delete.', { param: 'remote' })
    },
    describeError: (error) => provider.api.describeError(error),
  }
}
