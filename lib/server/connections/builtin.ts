import 'server-only'
import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import type { BatchCreateParams } from 'openai/resources/batches'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { createEngineBatch } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { ensureStorageDirs, storageDirs } from '@/lib/server/storage'
import { cancelV1Batch, getV1Batch, listV1Batches } from '@/lib/server/v1/batches'
import { deleteV1File, getV1File, getV1FileContent } from '@/lib/server/v1/files'
import { toOpenAIError } from '@/lib/server/v1/errors'
import { toOpenAIBatch } from '@/lib/server/v1/serializers'
import type { BatchConnection, RemoteBatch, RemoteFile } from './types'
import { newTempName } from '@/lib/server/ids'

// The engine answers the same shapes as /v1 (the serializers are shared), so the casts only name OpenAI's types.
const asBatch = (batch: unknown) => batch as RemoteBatch

/**
 * The built-in engine behind the same interface as a provider, in-process: the calls the /v1 API serves, without
 * HTTP. The dashboard creates builtin batches from a stored file directly (no upload step), so this is what code that
 * treats every connection alike (listing, retrieving, cancelling, reading result files) talks to.
 */
export function builtinConnection(connection: { id: string; name: string }): BatchConnection {
  return {
    id: connection.id,
    kind: BUILTIN_CONNECTION_KIND,
    name: connection.name,
    async listBatches(page = {}) {
      const list = await listV1Batches({ limit: page.limit ?? 20, after: page.after })
      return { data: list.data.map(asBatch), hasMore: list.has_more, lastId: list.last_id }
    },
    retrieveBatch: async (batchId) => asBatch(await getV1Batch(batchId)),
    cancelBatch: async (batchId) => asBatch(await cancelV1Batch(batchId)),
    async createBatch(params) {
      const batch = await createEngineBatch({
        inputFileId: params.inputFileId,
        endpoint: params.endpoint as BatchCreateParams['endpoint'],
        completionWindow: params.completionWindow,
        metadata: params.metadata ?? null,
      })
      return asBatch(toOpenAIBatch(batch))
    },
    async uploadFile({ path: source, filename }) {
      // Ingesting moves its input into storage; the caller's file stays where it is. An identical stored file is reused.
      await ensureStorageDirs()
      const temp = path.join(storageDirs.uploads, newTempName('builtin'))
      await copyFile(source, temp)
      const { file } = await ingestFile(temp, { filename, rejectInvalid: false, reuseDuplicate: true })
      return (await getV1File(file.id)) as unknown as RemoteFile
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
