import 'server-only'
import { randomUUID } from 'node:crypto'
import type { BatchJob } from '@google/genai'
import { isBatchStatus, isTerminal } from '@/lib/batch'
import type { ProviderApi, RemoteBatch } from '@/lib/server/connections/types'
import type { ProviderTarget } from '@/lib/server/providers/anthropic/api'
import { unixSeconds } from '@/lib/server/providers/batch-object'
import { convertedResults, keptResultFiles, resultFileId, type ConvertedBatchResults } from '@/lib/server/providers/converted-results'
import { LineErrorsRefused } from '@/lib/server/providers/line-errors'
import { createGeminiBatchClient, describeGeminiError } from './client'
import { dropHeldFacts, holdFacts, readHeldFacts } from './held-facts'
import { convertGeminiResults } from './results'
import { mapGeminiBatch, type GeminiBatchContext } from './status'

/**
 * The `gemini` kind: Gemini Batch Mode in OpenAI's Batch API shapes (docs/decisions/042). Uploading translates the
 * stored file into Gemini's `{key, request}` lines and uploads them (Files API); createBatch starts the batch on that
 * file with the model and kind the lines named. The SDK's BatchJob has no request counts, so a finished batch's
 * responses file is downloaded and converted when its end is first seen: the counts come from it, and it is kept and
 * served as the `<batch>:output` and `<batch>:error` files. Retries are the remote lifecycle's (SDK retries off).
 */
export function geminiApi(target: ProviderTarget, options: { timeout: number }): ProviderApi {
  const apiKey = target.apiKey ?? ''
  const client = createGeminiBatchClient({ apiKey, baseURL: target.baseUrl, timeoutMs: options.timeout, maxRetries: 0 })

  const results = (job: BatchJob): Promise<ConvertedBatchResults> => {
    const name = job.name ?? ''
    const context = { model: (job.model ?? '').replace(/^models\//, ''), created: unixSeconds(job.endTime ?? job.updateTime) ?? Math.floor(Date.now() / 1000) }
    return convertedResults(target.id, name, {
      download: async (rawPath) => {
        await client.downloadResults(name, rawPath)
      },
      convert: (rawPath, files) => convertGeminiResults(rawPath, files, context),
    })
  }

  /** `convert`: a finished job's counts and files come from its converted responses file; a listing only names them. */
  const toRemote = async (job: BatchJob, context: Partial<GeminiBatchContext> = {}, convert = true): Promise<RemoteBatch> => {
    const { batch: mapped, providerStatus } = mapGeminiBatch(job, { inputFileId: '', ...context })
    const remote: RemoteBatch = { ...mapped, provider_status: providerStatus }
    // Gemini keeps neither the endpoint nor metadata: left out, the columns keep what the create recorded.
    if (context.endpoint === undefined) delete remote.endpoint
    if (context.metadata === undefined) delete remote.metadata
    if (context.total === undefined) remote.request_counts = null
    const name = job.name ?? ''
    if (isBatchStatus(mapped.status) && isTerminal(mapped.status) && job.dest?.fileName) {
      if (convert) {
        const { totals } = await results(job)
        remote.request_counts = { total: totals.succeeded + totals.failed, completed: totals.succeeded, failed: totals.failed }
        remote.output_file_id = totals.succeeded > 0 ? resultFileId(name, 'output') : null
        remote.error_file_id = totals.failed > 0 ? resultFileId(name, 'error') : null
      } else {
        remote.output_file_id = resultFileId(name, 'output')
        remote.error_file_id = resultFileId(name, 'error')
      }
    }
    return remote
  }

  return {
    async listBatches({ after, limit } = {}) {
      const page = await client.listBatches({ after, limit })
      return { data: await Promise.all(page.data.map((job) => toRemote(job, {}, false))), hasMore: page.hasMore, lastId: page.lastId }
    },
    retrieveBatch: async (name) => toRemote(await client.retrieveBatch(name)),
    cancelBatch: async (name) => toRemote(await client.cancelBatch(name)),
    async uploadFile({ path, filename }) {
      const uploaded = await client.uploadInput({ path, workPath: `${path}.gemini-${randomUUID()}.part`, displayName: filename })
      if (!uploaded.ok) throw new LineErrorsRefused(uploaded.errors, uploaded.errorCount)
      await holdFacts(uploaded.uploadedFile, { kind: uploaded.kind, model: uploaded.model, requests: uploaded.requests, displayName: filename })
      return { id: uploaded.uploadedFile, object: 'file', bytes: 0, filename, purpose: 'batch', created_at: Math.floor(Date.now() / 1000) }
    },
    async createBatch({ inputFileId, endpoint, metadata }) {
      const input = await readHeldFacts(inputFileId)
      if (!input) throw new Error(`The uploaded input ${inputFileId} is gone (created already, or deleted); start the batch again.`)
      const job = await client.createFromFile({ kind: input.kind, model: input.model, fileName: inputFileId, displayName: input.displayName })
      await dropHeldFacts(inputFileId)
      const remote = await toRemote(job, { inputFileId, endpoint, metadata: metadata ?? null, total: input.requests })
      return { ...remote, model: input.model.replace(/^models\//, '') }
    },
    // Gemini deletes the batch job with its responses file; the local copies stay in Files. Input files are Gemini's.
    ...keptResultFiles(
      target.id,
      { name: 'Gemini', results: async (name) => results(await client.retrieveBatch(name)), deleteBatch: client.deleteBatch },
      async (fileId) => {
        await dropHeldFacts(fileId)
        return client.deleteFile(fileId)
      },
    ),
    describeError: (error) =>
      error instanceof LineErrorsRefused ? { status: 400, message: error.message } : describeGeminiError(error, apiKey, options.timeout),
  }
}
