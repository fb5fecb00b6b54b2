import 'server-only'
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { once } from 'node:events'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { z } from 'zod'
import { DEFAULT_MAX_EMBEDDING_INPUTS, encodingForModel, loadTokenCounter } from '@/lib/jsonl'
import { describeRequest, outputTokenCap } from '@/lib/jsonl/request-facts'
import { isJsonObject } from '@/lib/jsonl/rules'
import { TokenTally } from '@/lib/jsonl/tokens'
import { readLocatedLines, type LocatedLine } from '@/lib/server/results/lines'

export const splitLimitsSchema = z.object({
  maxRequests: z.number().int().positive(),
  maxBytes: z.number().int().positive(),
  /** Estimated input tokens per part: the model's enqueued-token limit, so any part can run on its own. */
  maxTokens: z.number().int().positive().nullable(),
})

export type SplitLimits = z.infer<typeof splitLimitsSchema>

/** A job's stored limits (the snapshot its input was split by), read back through the schema rather than trusted. */
export const parseSplitLimits = (value: unknown): SplitLimits => splitLimitsSchema.parse(value)

/**
 * The limits a job cuts its parts by. Under an enqueued-token limit that holds a few parts and a fraction, whole parts
 * leave the fraction idle however fast the queue turns (3.5 parts of room run 3: 0.86 at best). So when the lines-
 * or bytes-bound part would be smaller than the token limit, parts are cut to an even share of it instead: the
 * smallest number of parts that covers the limit, each at most limit / that number, so that many fill it exactly.
 * `input` is the stored input file's totals (its validator estimate), which give the tokens a line averages.
 */
export function fillingPartLimits(limits: SplitLimits, input: { lines: number; bytes: number; estimatedTokens: number }): SplitLimits {
  if (limits.maxTokens === null || input.lines === 0 || input.estimatedTokens === 0) return limits
  const linesPerPart = Math.min(limits.maxRequests, Math.floor(limits.maxBytes / Math.max(1, input.bytes / input.lines)))
  const partTokens = linesPerPart * (input.estimatedTokens / input.lines)
  if (partTokens >= limits.maxTokens || partTokens <= 0) return limits
  const parts = Math.ceil(limits.maxTokens / partTokens)
  return { ...limits, maxTokens: Math.floor(limits.maxTokens / parts) }
}

/** A line of the job input as a part holds it: its number and place in the input, for the job's rows and retries. */
export type PartLine = { line: number; customId: string; offset: number; length: number }

export type SplitPart = {
  /** The part file, complete and fsynced. */
  path: string
  lines: PartLine[]
  bytes: number
  sha256: string
  estimatedTokens: number
  outputTokenCapTotal: number
  outputTokenCapMissing: number
  /** Where the next part starts in the input (bytes, and requests before it). */
  next: { offset: number; index: number }
}

export type SplitOptions = {
  limits: SplitLimits
  endpoint: string
  model: string | null
  /** Resume point: the input's byte offset and request index of the first line not in a committed part. */
  from?: { offset: number; index: number }
  /** Which input lines to take (1-based); all when omitted. Retry parts take only the lines that failed. */
  only?: (line: number) => boolean
  /** Where the n-th part made by this call is written (overwritten if a crash left it behind). */
  partPath: (n: number) => string
}

export class LineTooLargeError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`Line ${line} ${reason}, so it fits in no batch on this connection. Shorten it or raise the connection's limits.`)
  }
}

type Pending = { lines: PartLine[]; bytes: number; tokens: number; embeddingInputs: number; capTotal: number; capMissing: number }

const emptyPart = (): Pending => ({ lines: [], bytes: 0, tokens: 0, embeddingInputs: 0, capTotal: 0, capMissing: 0 })

/**
 * Cuts a JSONL input into parts that each fit the limits, streaming: only the lines of the part being written are held
 * (as offsets; their text goes straight to disk), so a 1 GB input splits in constant memory. Each part is written to a
 * `.part` file, fsynced and renamed before it is yielded; the caller commits it (rows and resume point in one
 * transaction) before asking for the next, so a crash at any moment resumes from the last committed part.
 */
export async function* splitIntoParts(inputPath: string, options: SplitOptions): AsyncGenerator<SplitPart> {
  const { limits } = options
  const count = await loadTokenCounter(encodingForModel(options.model))
  const tally = new TokenTally('sampled')
  let made = 0
  let part = emptyPart()
  let writer: PartWriter | null = null
  let resumeAt = options.from ?? { offset: 0, index: 0 }

  async function seal(next: { offset: number; index: number }): Promise<SplitPart> {
    const done = await writer!.finish()
    const sealed: SplitPart = {
      path: done.path,
      lines: part.lines,
      bytes: part.bytes,
      sha256: done.sha256,
      estimatedTokens: part.tokens,
      outputTokenCapTotal: part.capTotal,
      outputTokenCapMissing: part.capMissing,
      next,
    }
    writer = null
    part = emptyPart()
    return sealed
  }

  for await (const located of readLocatedLines(inputPath, resumeAt)) {
    const line = located.index + 1
    if (options.only && !options.only(line)) {
      resumeAt = after(located)
      continue
    }
    const facts = lineFacts(located, options.endpoint)
    const bytes = Buffer.byteLength(located.text) + 1
    const tokens = tally.addRequest(facts.fixedTokens, facts.texts, count)
    if (bytes > limits.maxBytes) throw new LineTooLargeError(line, `is ${bytes.toLocaleString('en-US')} bytes`)
    if (limits.maxTokens !== null && tokens > limits.maxTokens)
      throw new LineTooLargeError(line, `is about ${tokens.toLocaleString('en-US')} tokens, over the enqueued-token limit`)
    const full =
      part.lines.length >= limits.maxRequests ||
      part.bytes + bytes > limits.maxBytes ||
      (limits.maxTokens !== null && part.tokens + tokens > limits.maxTokens) ||
      part.embeddingInputs + facts.embeddingInputs > DEFAULT_MAX_EMBEDDING_INPUTS
    if (full && part.lines.length > 0) yield await seal({ offset: located.offset, index: located.index })
    writer ??= await PartWriter.open(options.partPath(++made))
    await writer.write(located.text)
    part.lines.push({ line, customId: facts.customId, offset: located.offset, length: located.length })
    part.bytes += bytes
    part.tokens += tokens
    part.embeddingInputs += facts.embeddingInputs
    if (facts.cap === null) part.capMissing++
    else if (facts.cap !== undefined) part.capTotal += facts.cap
    resumeAt = after(located)
  }
  if (part.lines.length > 0) yield await seal(resumeAt)
}

// The byte after a line's end: its length plus '\n' (a '\r\n' ending is one byte more, which readLocatedLines skips
// as part of the blank remainder, so resuming there is safe either way).
const after = (located: LocatedLine) => ({ offset: located.offset + located.length + 1, index: located.index + 1 })

function lineFacts(located: LocatedLine, endpoint: string) {
  // The input passed the validator when it was stored, so every line is a request object with a custom_id.
  const value = JSON.parse(located.text) as unknown
  const request = isJsonObject(value) ? value : {}
  const body = isJsonObject(request.body) ? request.body : {}
  const texts: string[] = []
  const { fixedTokens, embeddingInputs } = describeRequest(endpoint, body, texts)
  return {
    customId: String(request.custom_id),
    fixedTokens,
    texts,
    cap: outputTokenCap(endpoint, body),
    // OpenAI's other per-batch limit on embeddings: inputs across all requests (reference, "Per-batch limits").
    embeddingInputs: endpoint === '/v1/embeddings' ? embeddingInputs : 0,
  }
}

/** A part file written as `<path>.part` with backpressure, hashed on the way, fsynced and renamed when finished. */
class PartWriter {
  private readonly temp: string
  private readonly out
  private readonly hash = createHash('sha256')

  private constructor(readonly path: string) {
    this.temp = `${path}.part`
    // flush: fsync before close, so a renamed part is on disk.
    this.out = createWriteStream(this.temp, { flush: true })
    // A write error is reported by finished(); without a listener it would be an uncaught exception.
    this.out.on('error', () => {})
  }

  static async open(file: string): Promise<PartWriter> {
    await mkdir(path.dirname(file), { recursive: true })
    return new PartWriter(file)
  }

  async write(text: string): Promise<void> {
    if (this.out.errored) throw this.out.errored
    const chunk = `${text}\n`
    this.hash.update(chunk)
    if (!this.out.write(chunk)) await once(this.out, 'drain')
  }

  async finish(): Promise<{ path: string; sha256: string }> {
    try {
      this.out.end()
      await finished(this.out)
      await rename(this.temp, this.path)
      return { path: this.path, sha256: this.hash.digest('hex') }
    } catch (error) {
      this.out.destroy()
      await rm(this.temp, { force: true })
      throw error
    }
  }
}
