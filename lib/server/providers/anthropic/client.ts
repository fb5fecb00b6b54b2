import 'server-only'
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type Anthropic from '@anthropic-ai/sdk'
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages'
import { translateAnthropicLine, type AnthropicBatchRequest } from '@/lib/providers/anthropic/translate'
import { ANTHROPIC_BATCH_LIMITS } from '@/lib/connections/limits'
import { redact } from '@/lib/server/connections/provider-errors'
import type { BatchListPage } from '@/lib/server/providers/batch-object'
import { downloadAside } from '@/lib/server/providers/files'
import { loadAnthropicSdk, loadedAnthropicSdk } from '@/lib/server/providers/sdks'
import { translateFile, type TranslatedFile } from '@/lib/server/providers/line-reader'
import { backoffMs, retryAfterMs, withRetries } from '@/lib/server/retry'

export type AnthropicConnectionConfig = {
  apiKey: string
  /** null: Anthropic's own (https://api.anthropic.com). */
  baseURL?: string | null
  /** For lines without max_tokens (Anthropic requires one). */
  defaultMaxTokens?: number | null
  timeoutMs?: number
  /** SDK retries of reads, cancel and delete on 408/409/429/5xx and network errors, with its backoff and Retry-After. */
  maxRetries?: number
}

export type AnthropicCreateOutcome = { ok: true; batch: MessageBatch; requests: number } | Extract<TranslatedFile, { ok: false }>

export type AnthropicTranslation = { ok: true; requests: number; model: string | null } | Extract<TranslatedFile, { ok: false }>

const DEFAULT_TIMEOUT_MS = 60_000
const ANTHROPIC_BASE_URL = 'https://api.anthropic.com'
const CREATE_BACKOFF = { baseMs: 500, maxMs: 60_000 }

/**
 * Message Batches through the official SDK (platform.claude.com/docs/en/api/typescript/messages/batches). The SDK sends
 * anthropic-version and the key; it retries 408/409/429/5xx with backoff and honours Retry-After.
 */
export function createAnthropicBatchClient(config: AnthropicConnectionConfig) {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS
  // Made at the first call: the SDK loads only when a connection of this kind is used (lib/server/providers/sdks.ts).
  let made: Promise<Anthropic> | null = null
  const sdkClient = () =>
    (made ??= loadAnthropicSdk().then(
      ({ Anthropic }) =>
        // Every setting is the connection's own: a base URL left unset would be taken from ANTHROPIC_BASE_URL in the
        // server's environment, an auth token from ANTHROPIC_AUTH_TOKEN.
        new Anthropic({
          apiKey: config.apiKey,
          authToken: null,
          baseURL: config.baseURL || ANTHROPIC_BASE_URL,
          timeout: timeoutMs,
          maxRetries: config.maxRetries ?? 2,
        }),
    ))

  return {
    /**
     * Translates a local batch file line by line into Anthropic requests, each handed to `accept` with its JSON as it
     * comes (the adapter streams them to disk, decision 046). Nothing is sent; the errors come back with their line numbers.
     */
    async translateInput(
      input: { path: string },
      accept: (request: AnthropicBatchRequest, json: string) => void | Promise<void>,
    ): Promise<AnthropicTranslation> {
      let model: string | null = null
      const translated = await translateFile(
        input.path,
        (value, line) => translateAnthropicLine(value, line, { defaultMaxTokens: config.defaultMaxTokens }),
        (request, json) => {
          model ??= request.params.model
          return accept(request, json)
        },
        { ...ANTHROPIC_BATCH_LIMITS, provider: 'Anthropic', format: 'anthropic' },
      )
      return translated.ok ? { ok: true, requests: translated.requests, model } : translated
    },

    /** Creates one batch from translated requests. Repeated on 429 only. */
    async createFromRequests(requests: AnthropicBatchRequest[]): Promise<MessageBatch> {
      const [client, { RateLimitError }] = await Promise.all([sdkClient(), loadAnthropicSdk()])
      // Only a 429 certainly created nothing: a 5xx or a timeout may have made the batch, and a second would bill twice.
      return withRetries(() => client.messages.batches.create({ requests }, { maxRetries: 0 }), {
        attempts: (config.maxRetries ?? 2) + 1,
        delayMs: (error, attempt) =>
          error instanceof RateLimitError ? (retryAfterMs(error.headers, CREATE_BACKOFF.maxMs) ?? backoffMs(attempt, CREATE_BACKOFF)) : null,
      })
    },

    /** translateInput into memory, then createFromRequests when every line translated. */
    async createBatch(input: { path: string }): Promise<AnthropicCreateOutcome> {
      const requests: AnthropicBatchRequest[] = []
      const translated = await this.translateInput(input, (request) => {
        requests.push(request)
      })
      if (!translated.ok) return translated
      const batch = await this.createFromRequests(requests)
      return { ok: true, batch, requests: requests.length }
    },

    retrieveBatch: async (batchId: string) => (await sdkClient()).messages.batches.retrieve(batchId),

    cancelBatch: async (batchId: string) => (await sdkClient()).messages.batches.cancel(batchId),

    /** Anthropic can delete only ended batches; it answers 400 otherwise, surfaced as its message. */
    async deleteBatch(batchId: string): Promise<{ id: string; deleted: true }> {
      const deleted = await (await sdkClient()).messages.batches.delete(batchId)
      return { id: deleted.id, deleted: true }
    },

    /** One page, newest first (Anthropic's order); pass `after: lastId` for the next. */
    async listBatches(page: { after?: string; limit?: number } = {}): Promise<BatchListPage<MessageBatch>> {
      const result = await (await sdkClient()).messages.batches.list({ limit: page.limit ?? 20, ...(page.after ? { after_id: page.after } : {}) })
      return { data: result.data, hasMore: result.has_more, lastId: result.last_id ?? null }
    },

    /**
     * Streams the batch's results_url to `destination` as it comes: the raw file, kept for download and converted
     * by convertAnthropicResults. Fails when the batch has not ended (no results_url yet).
     */
    async downloadResults(batchId: string, destination: string): Promise<MessageBatch> {
      const client = await sdkClient()
      const batch = await client.messages.batches.retrieve(batchId)
      if (!batch.results_url) throw new Error(`Anthropic has no results for batch ${batchId} yet (processing_status: ${batch.processing_status}).`)
      const response = await client.get(batch.results_url, { headers: { Accept: 'application/binary' }, __binaryResponse: true }).asResponse()
      if (!response.body) throw new Error(`Anthropic sent an empty results file for batch ${batchId}.`)
      const body = response.body
      await downloadAside(destination, (partPath) => pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), createWriteStream(partPath)))
      return batch
    },

    describeError: (error: unknown) => describeAnthropicError(error, config.apiKey, timeoutMs),
  }
}

export type AnthropicBatchClient = ReturnType<typeof createAnthropicBatchClient>

/** A failed call in Anthropic's words: "status error_type: message", with the key cut out. */
export function describeAnthropicError(error: unknown, apiKey: string, timeoutMs: number): { status: number | null; message: string } {
  const described = describe(error, timeoutMs)
  return { status: described.status, message: redact(described.message, [apiKey]) }
}

function describe(error: unknown, timeoutMs: number): { status: number | null; message: string } {
  // Without the SDK loaded, no error can be one of its own.
  const sdk = loadedAnthropicSdk()
  if (sdk && error instanceof sdk.APIConnectionTimeoutError)
    return { status: null, message: `No answer from Anthropic within ${Math.round(timeoutMs / 1000)} s.` }
  if (sdk && error instanceof sdk.APIConnectionError) {
    const cause = error.cause instanceof Error ? (error.cause.cause instanceof Error ? error.cause.cause.message : error.cause.message) : error.message
    return { status: null, message: `Could not reach Anthropic: ${cause}` }
  }
  if (sdk && error instanceof sdk.APIError && error.status !== undefined) {
    const message = error.apiMessage ?? error.message
    return { status: error.status, message: `${error.status}${error.type ? ` ${error.type}` : ''}: ${message}` }
  }
  return { status: null, message: error instanceof Error ? error.message : String(error) }
}
