import 'server-only'
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages'
import type { ProviderApi, RemoteBatch } from '@/lib/server/connections/types'
import { unixSeconds } from '@/lib/server/providers/batch-object'
import { convertedResults, keptResultFiles, resultFileId, type ConvertedBatchResults } from '@/lib/server/providers/converted-results'
import { LineErrorsRefused } from '@/lib/server/providers/line-errors'
import { providerInputPath } from '@/lib/server/storage'
import { createAnthropicBatchClient, describeAnthropicError } from './client'
import { dropHeldRequests, holdRequests, readHeldRequests } from './held-requests'
import { convertAnthropicResults } from './results'
import { mapAnthropicBatch } from './status'

export type ProviderTarget = { id: string; name: string; baseUrl: string | null; apiKey: string | null; defaultMaxTokens: number | null }

/**
 * The `anthropic` kind: Message Batches in OpenAI's Batch API shapes (docs/decisions/041). "Uploading" translates the
 * stored file and keeps the requests in DATA_DIR until createBatch sends them in one body (decision 046: a restart in
 * between loses nothing); a line that does not translate refuses the file before anything is sent. An ended batch's results file is downloaded once, kept, and served as the
 * `<batch>:output` and `<batch>:error` files in OpenAI's format. Retries are the remote lifecycle's (SDK retries off).
 */
export function anthropicApi(target: ProviderTarget, options: { timeout: number }): ProviderApi {
  const apiKey = target.apiKey ?? ''
  const client = createAnthropicBatchClient({
    apiKey,
    baseURL: target.baseUrl,
    defaultMaxTokens: target.defaultMaxTokens,
    timeoutMs: options.timeout,
    maxRetries: 0,
  })

  const toRemote = (batch: MessageBatch, known: Partial<RemoteBatch> = {}): RemoteBatch => {
    const { batch: mapped, providerStatus } = mapAnthropicBatch(batch, { inputFileId: '', metadata: known.metadata ?? null })
    const remote: RemoteBatch = { ...mapped, ...known, provider_status: providerStatus }
    // Anthropic keeps no metadata and no input file: left out (an empty id counts as absent in map-batch.ts), the
    // columns keep what the create recorded.
    if (known.metadata === undefined) delete remote.metadata
    if (batch.processing_status === 'ended') {
      const counts = batch.request_counts
      remote.output_file_id = counts.succeeded > 0 ? resultFileId(batch.id, 'output') : null
      remote.error_file_id = counts.errored + counts.canceled + counts.expired > 0 ? resultFileId(batch.id, 'error') : null
    }
    return remote
  }

  const results = (batchId: string): Promise<ConvertedBatchResults> => {
    let created = Math.floor(Date.now() / 1000)
    return convertedResults(target.id, batchId, {
      download: async (rawPath) => {
        const batch = await client.downloadResults(batchId, rawPath)
        created = unixSeconds(batch.ended_at) ?? created
      },
      convert: (rawPath, files) => convertAnthropicResults(rawPath, files, created),
    })
  }

  // Anthropic deletes a batch with its results (ended batches only); the local copies stay in Files. Input "files" are
  // requests held here until created.
  return {
    async listBatches({ after, limit } = {}) {
      const page = await client.listBatches({ after, limit })
      return { data: page.data.map((batch) => toRemote(batch)), hasMore: page.hasMore, lastId: page.lastId }
    },
    retrieveBatch: async (batchId) => toRemote(await client.retrieveBatch(batchId)),
    cancelBatch: async (batchId) => toRemote(await client.cancelBatch(batchId)),
    async uploadFile({ path, filename }) {
      const id = `anthropic-input-${randomUUID()}`
      await holdRequests(id, async (write) => {
        const result = await client.translateInput({ path }, (_request, json) => write(json))
        if (!result.ok) throw new LineErrorsRefused(result.errors, result.errorCount)
        return result
      })
      const { size } = await stat(providerInputPath(id))
      return { id, object: 'file', bytes: size, filename, purpose: 'batch', created_at: Math.floor(Date.now() / 1000) }
    },
    async createBatch({ inputFileId, endpoint, metadata }) {
      const requests = await readHeldRequests(inputFileId)
      if (!requests || requests.length === 0)
        throw new Error(`The translated requests ${inputFileId} are gone (created already, or deleted); start the batch again.`)
      const batch = await client.createFromRequests(requests)
      await dropHeldRequests(inputFileId)
      return toRemote(batch, { input_file_id: inputFileId, endpoint, model: requests[0]?.params.model ?? null, metadata: metadata ?? null })
    },
    ...keptResultFiles(target.id, { name: 'Anthropic', results, deleteBatch: client.deleteBatch }, dropHeldRequests),
    describeError: (error) =>
      error instanceof LineErrorsRefused ? { status: 400, message: error.message } : describeAnthropicError(error, apiKey, options.timeout),
  }
}
