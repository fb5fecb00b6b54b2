import 'server-only'
import { randomUUID } from 'node:crypto'
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages'
import type { AnthropicBatchRequest } from '@/lib/providers/anthropic/translate'
import type { ProviderApi, RemoteBatch } from '@/lib/server/connections/types'
import { unixSeconds } from '@/lib/server/providers/batch-object'
import { convertedResults, keptResultFiles, resultFileId, type ConvertedBatchResults } from '@/lib/server/providers/converted-results'
import { LineErrorsRefused } from '@/lib/server/providers/line-errors'
import { createAnthropicBatchClient, describeAnthropicError } from './client'
import { convertAnthropicResults } from './results'
import { mapAnthropicBatch } from './status'

export type ProviderTarget = { id: string; name: string; baseUrl: string | null; apiKey: string | null; defaultMaxTokens: number | null }

/** The id of translated requests held for createBatch: Message Batches take the requests in the create call, not as a file. */
const INPUT_PREFIX = 'anthropic-input-'

/**
 * The `anthropic` kind: Message Batches in OpenAI's Batch API shapes (docs/decisions/041). "Uploading" translates the
 * stored file and holds the requests until createBatch sends them in one body; a line that does not translate refuses
 * the file before anything is sent. An ended batch's results file is downloaded once, kept, and served as the
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
  const held = new Map<string, { requests: AnthropicBatchRequest[]; model: string | null }>()

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
      const translated = await client.translateInput({ path })
      if (!translated.ok) throw new LineErrorsRefused(translated.errors, translated.errorCount)
      const id = `${INPUT_PREFIX}${randomUUID()}`
      held.set(id, { requests: translated.requests, model: translated.model })
      const bytes = translated.requests.reduce((sum, request) => sum + JSON.stringify(request).length + 1, 0)
      return { id, object: 'file', bytes, filename, purpose: 'batch', created_at: Math.floor(Date.now() / 1000) }
    },
    async createBatch({ inputFileId, endpoint, metadata }) {
      const input = held.get(inputFileId)
      if (!input)
        throw new Error(`The translated requests ${inputFileId} are gone (Batchboard restarted between translating and creating); start the batch again.`)
      const batch = await client.createFromRequests(input.requests)
      held.delete(inputFileId)
      return toRemote(batch, { input_file_id: inputFileId, endpoint, model: input.model, metadata: metadata ?? null })
    },
    ...keptResultFiles(target.id, { name: 'Anthropic', results, deleteBatch: client.deleteBatch }, async (fileId) => held.delete(fileId)),
    describeError: (error) =>
      error instanceof LineErrorsRefused ? { status: 400, message: error.message } : describeAnthropicError(error, apiKey, options.timeout),
  }
}
