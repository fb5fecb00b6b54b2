import 'server-only'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { once } from 'node:events'
import type { BatchJob, GoogleGenAI, HttpOptions } from '@google/genai'
import { translateGeminiLine, type GeminiBatchKind, type GeminiBatchLine } from '@/lib/providers/gemini/translate'
import { fail, isObject, type Translated } from '@/lib/providers/openai-line'
import { GEMINI_BATCH_LIMITS } from '@/lib/connections/limits'
import { redact } from '@/lib/server/connections/provider-errors'
import type { BatchListPage } from '@/lib/server/providers/batch-object'
import { downloadAside } from '@/lib/server/providers/files'
import { loadedGeminiSdk, loadGeminiSdk } from '@/lib/server/providers/sdks'
import { translateFile, type TranslatedFile } from '@/lib/server/providers/line-reader'

export type GeminiConnectionConfig = {
  apiKey: string
  /** null: Google's own (https://generativelanguage.googleapis.com). */
  baseURL?: string | null
  timeoutMs?: number
  /** SDK retries (p-retry with exponential backoff and jitter) of reads, cancel and delete on 408/429/5xx. */
  maxRetries?: number
  /** First retry delay; the SDK doubles it per attempt, up to 60 s. */
  retryInitialDelayMs?: number
}

export type GeminiUploadOutcome =
  { ok: true; requests: number; kind: GeminiBatchKind; model: string; uploadedFile: string } | Extract<TranslatedFile, { ok: false }>

export type GeminiCreateOutcome =
  { ok: true; batch: BatchJob; requests: number; kind: GeminiBatchKind; model: string; uploadedFile: string } | Extract<TranslatedFile, { ok: false }>

const DEFAULT_TIMEOUT_MS = 60_000
const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com'
const READ_RETRY_STATUSES = [408, 429, 500, 502, 503, 504]

/**
 * Gemini Batch Mode through the official SDK (ai.google.dev/gemini-api/docs/batch-mode): the translated requests go up
 * as a JSONL file (Files API, resumable upload in 8 MB chunks), then `batches.create` / `batches.createEmbeddings`.
 */
export function createGeminiBatchClient(config: GeminiConnectionConfig) {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const retryOptions = (httpStatusCodes: number[]) => ({
    attempts: (config.maxRetries ?? 2) + 1,
    initialDelay: (config.retryInitialDelayMs ?? 1000) / 1000,
    httpStatusCodes,
  })
  const httpOptions: HttpOptions = { timeout: timeoutMs, retryOptions: retryOptions(READ_RETRY_STATUSES), baseUrl: config.baseURL || GEMINI_BASE_URL }
  // Made at the first call: the SDK loads only when a connection of this kind is used (lib/server/providers/sdks.ts).
  let made: Promise<GoogleGenAI> | null = null
  // Every setting is the connection's own: left unset, GOOGLE_GENAI_USE_VERTEXAI or GOOGLE_GEMINI_BASE_URL in the
  // server's environment would send the calls elsewhere.
  const sdkClient = () => (made ??= loadGeminiSdk().then(({ GoogleGenAI }) => new GoogleGenAI({ apiKey: config.apiKey, vertexai: false, httpOptions })))

  return {
    /**
     * Translates a local OpenAI-format file line by line into a Gemini input file beside it (`workPath`, removed after
     * the upload) and uploads it. Nothing is sent when a line does not translate.
     */
    async uploadInput(input: { path: string; workPath: string; displayName: string; model?: string }): Promise<GeminiUploadOutcome> {
      let kind: GeminiBatchKind | null = null
      let model: string | null = input.model ?? null
      const oneBatch = (result: GeminiBatchLine, line: number): Translated<GeminiBatchLine['line']> => {
        kind ??= result.kind
        model ??= result.model
        if (result.kind !== kind) return fail(line, 'url', 'Gemini runs chat and embedding requests as separate batches: put them in separate files.')
        if (result.model !== null && result.model !== model)
          return fail(line, 'body.model', `A Gemini batch runs one model: this line asks for ${result.model}, the file for ${model}.`)
        return { ok: true, request: result.line }
      }
      const work = createWriteStream(input.workPath)
      try {
        const translated = await translateFile(
          input.path,
          (value, line) => {
            const result = translateGeminiLine(value, line)
            return result.ok ? oneBatch(result.request, line) : result
          },
          async (_line, json) => {
            if (!work.write(`${json}\n`)) await once(work, 'drain')
          },
          { ...GEMINI_BATCH_LIMITS, provider: 'Gemini', format: 'gemini' },
        )
        work.end()
        await once(work, 'close')
        if (!translated.ok) return translated
        if (model === null || kind === null)
          return { ok: false, errorCount: 1, errors: [{ line: null, param: 'model', message: 'Name the Gemini model: the lines give none.' }] }
        const uploaded = await (await sdkClient()).files.upload({ file: input.workPath, config: { mimeType: 'jsonl', displayName: input.displayName } })
        if (!uploaded.name) throw new Error('Gemini accepted the input file but returned no file name.')
        return { ok: true, requests: translated.requests, kind, model, uploadedFile: uploaded.name }
      } finally {
        work.destroy()
        await rm(input.workPath, { force: true })
      }
    },

    /** Creates the batch from an uploaded input file. Repeated on 429 only: a 5xx may have created the batch already. */
    async createFromFile(input: { kind: GeminiBatchKind; model: string; fileName: string; displayName: string }): Promise<BatchJob> {
      const ai = await sdkClient()
      const config = { displayName: input.displayName, httpOptions: { retryOptions: retryOptions([429]) } }
      return input.kind === 'embed'
        ? ai.batches.createEmbeddings({ model: input.model, src: { fileName: input.fileName }, config })
        : ai.batches.create({ model: input.model, src: input.fileName, config })
    },

    /** uploadInput, then createFromFile. */
    async createBatch(input: { path: string; workPath: string; displayName: string; model?: string }): Promise<GeminiCreateOutcome> {
      const uploaded = await this.uploadInput(input)
      if (!uploaded.ok) return uploaded
      const batch = await this.createFromFile({ kind: uploaded.kind, model: uploaded.model, fileName: uploaded.uploadedFile, displayName: input.displayName })
      return { ...uploaded, batch }
    },

    retrieveBatch: async (name: string) => (await sdkClient()).batches.get({ name }),

    async cancelBatch(name: string): Promise<BatchJob> {
      const ai = await sdkClient()
      await ai.batches.cancel({ name })
      return ai.batches.get({ name })
    },

    async deleteBatch(name: string): Promise<{ id: string; deleted: true }> {
      await (await sdkClient()).batches.delete({ name })
      return { id: name, deleted: true }
    },

    /** Removes an uploaded input file (Gemini keeps files 48 hours otherwise). */
    deleteFile: async (name: string) => (await sdkClient()).files.delete({ name }),

    /** One page; `after` is Gemini's page token (what `lastId` returns), not a batch id. */
    async listBatches(page: { after?: string; limit?: number } = {}): Promise<BatchListPage<BatchJob>> {
      const pager = await (await sdkClient()).batches.list({ config: { pageSize: page.limit ?? 20, ...(page.after ? { pageToken: page.after } : {}) } })
      const next = pager.params.config?.pageToken
      return { data: pager.page, hasMore: Boolean(next), lastId: next ?? null }
    },

    /**
     * Downloads the batch's responses file to `destination` as a stream: the raw file, kept for download and converted
     * by convertGeminiResults. Fails when the job has no responses file (not ended, or inline results).
     */
    async downloadResults(name: string, destination: string): Promise<BatchJob> {
      const ai = await sdkClient()
      const batch = await ai.batches.get({ name })
      const file = batch.dest?.fileName
      if (!file) throw new Error(`Gemini has no responses file for batch ${name} yet (state: ${batch.state ?? 'unknown'}).`)
      await downloadAside(destination, (partPath) => ai.files.download({ file, downloadPath: partPath }))
      return batch
    },

    describeError: (error: unknown) => describeGeminiError(error, config.apiKey, timeoutMs),
  }
}

export type GeminiBatchClient = ReturnType<typeof createGeminiBatchClient>

/** A failed call in Gemini's words: "status STATUS: message" from its {error: {code, message, status}}, with the key cut out. */
export function describeGeminiError(error: unknown, apiKey: string, timeoutMs: number): { status: number | null; message: string } {
  const described = describe(error, timeoutMs)
  return { status: described.status, message: redact(described.message, [apiKey]) }
}

function describe(error: unknown, timeoutMs: number): { status: number | null; message: string } {
  // Without the SDK loaded, no error can be one of its own.
  const sdk = loadedGeminiSdk()
  if (sdk && error instanceof sdk.ApiError) {
    // The SDK puts the response body, JSON-encoded, in `message`.
    let body: unknown = null
    try {
      body = JSON.parse(error.message)
    } catch {
      body = null
    }
    const inner = isObject(body) && isObject(body.error) ? body.error : null
    const message = inner && typeof inner.message === 'string' ? inner.message : error.message
    const status = inner && typeof inner.status === 'string' ? ` ${inner.status}` : ''
    return { status: error.status, message: `${error.status}${status}: ${message}` }
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
    return { status: null, message: `No answer from Gemini within ${Math.round(timeoutMs / 1000)} s.` }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause instanceof Error ? error.cause.message : 'network error'
    return { status: null, message: `Could not reach Gemini: ${cause}` }
  }
  return { status: null, message: error instanceof Error ? error.message : String(error) }
}
