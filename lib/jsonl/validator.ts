import { BATCH_LIMIT_CODES, ErrorCollector, type BatchFileError, type BatchFileErrorCode } from './errors'
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_EMBEDDING_INPUTS,
  DEFAULT_MAX_ERRORS,
  DEFAULT_MAX_REQUESTS,
  MAX_TRACKED_CUSTOM_IDS,
  OPENAI_BATCH_ENDPOINTS,
} from './limits'
import { ENCODING_SNIFF_BYTES, describeUtf16, detectUtf16, type Utf16Encoding } from './encoding'
import { LineSplitter, isBlank, withoutByteOrderMark, withoutCarriageReturn } from './lines'
import { describeRequest, outputTokenCap } from './request-facts'
import { checkNativeLine, isNativeFormat, lineFormatOf, mixedFormatMessage, type LineFormat, type NativeRequest } from './native'
import { checkRequestLine, isJsonObject, type CheckedRequest, type FileState } from './rules'
import { TokenTally, encodingForModel, loadTokenCounter, type CountTokens, type TokenEncoding, type TokenEstimateMode } from './tokens'

export type ValidationProgress = { bytes: number; lines: number }

export type ValidateOptions = {
  // The batch endpoint when it is already chosen; otherwise the first line's url sets it.
  endpoint?: string
  supportedEndpoints?: readonly string[]
  // For endpoints left out of supportedEndpoints: what a line using one is told instead of "not supported".
  endpointNotes?: ReadonlyMap<string, string>
  maxRequests?: number
  maxBytes?: number
  maxEmbeddingInputs?: number
  // How many errors are kept in full; the rest are only counted.
  maxErrors?: number
  tokenEstimate?: TokenEstimateMode
  onProgress?: (progress: ValidationProgress) => void
  signal?: AbortSignal
}

export type BatchFileFacts = {
  // The lines' format: OpenAI's runs on any connection, a provider's own only on a connection of its kind.
  format: LineFormat
  endpoint: string | null
  model: string | null
  // Non-blank lines: what OpenAI would count as requests, well-formed or not.
  requestCount: number
  bytes: number
  // Physical lines, blank ones included.
  lines: number
  // Text, message framing and token-array inputs; images, tool definitions and audio are not counted.
  // null when tokenEstimate is 'off'.
  estimatedInputTokens: number | null
  // 'sampled' only when part of the text was scaled rather than counted.
  tokenEstimate: TokenEstimateMode
  // null when tokenEstimate is 'off'.
  tokenEncoding: TokenEncoding | null
  imageInputCount: number
  embeddingInputCount: number
  // Output caps (max_completion_tokens, max_tokens or max_output_tokens) of text-generation requests;
  // `missing` counts those that set none; `total` sums the caps that are set (a cost estimate's upper bound).
  maxTokens: { min: number | null; max: number | null; missing: number; total: number }
}

export type ValidationReport = {
  // No errors at all: the file runs as one batch.
  ok: boolean
  errors: BatchFileError[]
  errorCount: number
  // Errors other than one batch's limits (BATCH_LIMIT_CODES): zero means the file can run, as a job when it is over them.
  blockingErrorCount: number
  errorCounts: Record<BatchFileErrorCode, number>
  truncatedErrors: boolean
  facts: BatchFileFacts
}

export type BatchFileValidator = {
  // Chunks are processed in the order pushed, even without awaiting each push.
  push(chunk: Uint8Array): Promise<void>
  finish(): Promise<ValidationReport>
}

export type BatchFileSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

export async function validateBatchFile(source: BatchFileSource, options: ValidateOptions = {}): Promise<ValidationReport> {
  const validator = createBatchFileValidator(options)
  const { signal } = options
  signal?.throwIfAborted()
  if ('getReader' in source) {
    const reader = source.getReader()
    // Cancelling ends a read that is waiting on a slow network.
    const cancel = () => void reader.cancel(signal?.reason).catch(() => {})
    signal?.addEventListener('abort', cancel, { once: true })
    try {
      for (;;) {
        const { done, value } = await reader.read()
        signal?.throwIfAborted()
        if (done) break
        await validator.push(value)
      }
    } catch (error) {
      cancel()
      throw error
    } finally {
      signal?.removeEventListener('abort', cancel)
      reader.releaseLock()
    }
  } else {
    for await (const chunk of source) await validator.push(chunk)
  }
  return validator.finish()
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function createBatchFileValidator(options: ValidateOptions = {}): BatchFileValidator {
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const maxEmbeddingInputs = options.maxEmbeddingInputs ?? DEFAULT_MAX_EMBEDDING_INPUTS
  const tokenMode = options.tokenEstimate ?? 'sampled'
  const { onProgress, signal } = options

  const errors = new ErrorCollector(options.maxErrors ?? DEFAULT_MAX_ERRORS)
  const state: FileState = {
    supportedEndpoints: new Set(options.supportedEndpoints ?? OPENAI_BATCH_ENDPOINTS),
    endpointNotes: options.endpointNotes ?? new Map(),
    endpoint: options.endpoint ?? null,
    endpointLine: null,
    model: null,
    modelLine: null,
    format: null,
    formatLine: null,
    customIds: new Map(),
    maxTrackedIds: Math.max(maxRequests, MAX_TRACKED_CUSTOM_IDS),
  }
  // A line longer than the whole file may be can only belong to a file that is rejected anyway.
  const splitter = new LineSplitter(maxBytes)
  const tally = tokenMode === 'off' ? null : new TokenTally(tokenMode)
  let countTokens: CountTokens | null = null
  let tokenEncoding: TokenEncoding | null = null
  const texts: string[] = []

  let bytes = 0
  let lines = 0
  let requestCount = 0
  let imageInputCount = 0
  let embeddingInputCount = 0
  let capMin: number | null = null
  let capMax: number | null = null
  let capMissing = 0
  let capTotal = 0
  // Blank lines are only an error when a request follows them (editors leave some at the end of a file), so
  // a run of them waits here.
  let blankRunStart = 0
  let blankRunLength = 0

  // The first bytes wait here until there are enough to tell a UTF-16 file; null once that is decided.
  let head: Uint8Array | null = new Uint8Array(0)
  let utf16: Utf16Encoding | null = null

  let queue: Promise<void> = Promise.resolve()
  let report: Promise<ValidationReport> | null = null

  // Synchronous except the first time text needs the tokenizer, so the common path costs no promise.
  function handleLine(raw: Uint8Array, truncated: boolean): Promise<void> | undefined {
    const line = ++lines
    const bytesOfLine = withoutCarriageReturn(line === 1 ? withoutByteOrderMark(raw) : raw)
    if (!truncated && isBlank(bytesOfLine)) {
      if (blankRunLength === 0) blankRunStart = line
      blankRunLength++
      return
    }
    for (let i = 0; i < blankRunLength; i++) {
      errors.add(
        'invalid_json_line',
        'This line is blank. Remove empty lines between requests; only the end of the file may have them.',
        null,
        blankRunStart + i,
      )
    }
    blankRunLength = 0
    requestCount++
    // Its bytes were dropped; the file is over maxBytes and fails with file_too_large.
    if (truncated) return

    let text: string
    try {
      text = decoder.decode(bytesOfLine)
    } catch {
      errors.add('invalid_utf8', 'This line is not valid UTF-8 text. Save the file with UTF-8 encoding and upload it again.', null, line)
      return
    }

    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      errors.add(
        'invalid_json_line',
        'This line is not parseable as valid JSON. Each line must hold one complete JSON object: check for unescaped quotes, trailing commas or an object spread over several lines.',
        null,
        line,
      )
      return
    }

    const request = checkLine(value, line)
    if (request === null) return
    const { endpoint, body } = request

    const cap = outputTokenCap(endpoint, body)
    if (cap === null) capMissing++
    else if (cap !== undefined) {
      capMin = capMin === null ? cap : Math.min(capMin, cap)
      capMax = capMax === null ? cap : Math.max(capMax, cap)
      capTotal += cap
    }

    const facts = describeRequest(endpoint, body, tally === null ? null : texts)
    imageInputCount += facts.imageInputs
    if (endpoint === '/v1/embeddings') embeddingInputCount += facts.embeddingInputs
    if (tally === null) return
    tally.addFixed(facts.fixedTokens)
    let chars = 0
    for (const piece of texts) chars += piece.length
    if (chars === 0) return
    if (!tally.wantsExactCount()) {
      tally.addScaled(chars)
      texts.length = 0
      return
    }
    if (countTokens !== null) return countTexts(countTokens, tally, chars)
    // The model is known by now (or never will be), so the encoding can be picked.
    tokenEncoding = encodingForModel(state.model)
    return loadTokenCounter(tokenEncoding).then((loaded) => {
      countTokens = loaded
      countTexts(loaded, tally, chars)
    })
  }

  // The file's first request sets its format; a native line is checked by its provider's rules (lib/jsonl/native.ts).
  function checkLine(value: unknown, line: number): CheckedRequest | NativeRequest | null {
    if (!isJsonObject(value)) return checkRequestLine(value, line, state, errors)
    const format = lineFormatOf(value)
    if (state.format === null || state.formatLine === null) {
      state.format = format
      state.formatLine = line
    } else if (format !== state.format) {
      errors.add('invalid_request', mixedFormatMessage(format, state.format, state.formatLine), null, line)
      return null
    }
    return isNativeFormat(format) ? checkNativeLine(value, format, line, state, errors) : checkRequestLine(value, line, state, errors)
  }

  function countTexts(count: CountTokens, into: TokenTally, chars: number): undefined {
    let tokens = 0
    for (const piece of texts) tokens += count(piece)
    into.addCounted(chars, tokens)
    texts.length = 0
  }

  async function drain(): Promise<void> {
    for (let raw = splitter.next(); raw !== null; raw = splitter.next()) {
      const pending = handleLine(raw, splitter.truncated)
      if (pending !== undefined) await pending
    }
  }

  async function pushNow(chunk: Uint8Array): Promise<void> {
    signal?.throwIfAborted()
    bytes += chunk.length
    if (head !== null) {
      const sniffed: Uint8Array = head.length === 0 ? chunk : concat(head, chunk)
      if (sniffed.length < ENCODING_SNIFF_BYTES) head = new Uint8Array(sniffed)
      else await decideEncoding(sniffed)
    } else if (utf16 === null) {
      splitter.write(chunk)
      await drain()
    }
    onProgress?.({ bytes, lines })
  }

  // A UTF-16 file is reported once, as a whole; reading its bytes as lines would give an error on each.
  async function decideEncoding(sniffed: Uint8Array): Promise<void> {
    head = null
    utf16 = detectUtf16(sniffed)
    if (utf16 !== null) return
    splitter.write(sniffed)
    await drain()
  }

  async function finishNow(): Promise<ValidationReport> {
    signal?.throwIfAborted()
    if (head !== null) await decideEncoding(head)
    if (utf16 !== null) errors.add('invalid_utf8', describeUtf16(utf16), null, null)
    const last = utf16 === null ? splitter.end() : null
    if (last !== null) await handleLine(last, splitter.truncated)

    if (requestCount === 0 && utf16 === null) {
      errors.add('empty_file', 'The file has no requests. Put one JSON request object on each line.', null, null)
    }
    if (requestCount > maxRequests) {
      errors.add(
        'too_many_requests',
        `The file has ${formatCount(requestCount)} requests, more than the ${formatCount(maxRequests)} a batch may hold. Split it into several files.`,
        null,
        null,
      )
    }
    if (bytes > maxBytes) {
      errors.add(
        'file_too_large',
        `The file is ${formatCount(bytes)} bytes, more than the ${formatCount(maxBytes)} bytes (${formatMegabytes(maxBytes)}) a batch input file may be. Split it into several files.`,
        null,
        null,
      )
    }
    if (state.endpoint === '/v1/embeddings' && embeddingInputCount > maxEmbeddingInputs) {
      errors.add(
        'too_many_embedding_inputs',
        `The file has ${formatCount(embeddingInputCount)} embedding inputs, more than the ${formatCount(maxEmbeddingInputs)} an embeddings batch may hold across all its requests. Split it into several files.`,
        null,
        null,
      )
    }

    const listed = errors.list()
    let limitErrors = 0
    for (const code of BATCH_LIMIT_CODES) limitErrors += errors.counts[code]
    return {
      ok: errors.total === 0,
      errors: listed,
      errorCount: errors.total,
      blockingErrorCount: errors.total - limitErrors,
      errorCounts: errors.counts,
      truncatedErrors: listed.length < errors.total,
      facts: {
        format: state.format ?? 'openai',
        endpoint: state.endpoint,
        model: state.model,
        requestCount,
        bytes,
        lines,
        estimatedInputTokens: tally === null ? null : tally.total(),
        tokenEstimate: tally === null ? 'off' : tally.isExact ? 'exact' : 'sampled',
        tokenEncoding: tally === null ? null : (tokenEncoding ?? encodingForModel(state.model)),
        imageInputCount,
        embeddingInputCount,
        maxTokens: { min: capMin, max: capMax, missing: capMissing, total: capTotal },
      },
    }
  }

  return {
    push(chunk) {
      if (report !== null) return Promise.reject(new Error('push() called after finish()'))
      const pushed = queue.then(() => pushNow(chunk))
      // A caller that does not await each push learns of a failure from finish(); it must not also surface
      // as an unhandled rejection.
      pushed.catch(() => {})
      queue = pushed
      return pushed
    },
    finish() {
      report ??= queue.then(finishNow)
      return report
    },
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length)
  joined.set(a)
  joined.set(b, a.length)
  return joined
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

function formatMegabytes(value: number): string {
  return `${(value / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`
}
