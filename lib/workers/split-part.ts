// One part of a job's split (lib/server/jobs/split.ts drives them one after another), run in a worker thread: the
// tokenizer's rank tables (about 60 MB) load here, never on the thread that serves requests (issue 18).
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { once } from 'node:events'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { DEFAULT_MAX_EMBEDDING_INPUTS, encodingForModel, loadTokenCounter } from '@/lib/jsonl'
import { describeRequest, outputTokenCap } from '@/lib/jsonl/request-facts'
import { isJsonObject } from '@/lib/jsonl/rules'
import { TokenTally, type TokenTallyState } from '@/lib/jsonl/tokens'
import { readLocatedLines, type LocatedLine } from './located-lines'

export type PartLimits = { maxRequests: number; maxBytes: number; maxTokens: number | null }

/** A line of the job input as a part holds it: its number and place in the input, for the job's rows and retries. */
export type PartLine = { line: number; customId: string; offset: number; length: number }

/** A line start in the input: its byte offset and request index (non-blank lines before it). */
export type LinePosition = { offset: number; index: number }

export type SplitPartTask = {
  kind: 'split-part'
  input: string
  from: LinePosition
  limits: PartLimits
  endpoint: string
  model: string | null
  /** The input lines to take (1-based, ascending), or null for all. A part holds at most maxRequests lines, so the
   *  caller sends the next maxRequests + 1 wanted lines, never the whole list. */
  only: number[] | null
  /** The split's token tally so far: its sampling and tokens-per-character go on across parts as in one pass. */
  tally: TokenTallyState
  /** Where the part is written (overwritten if a crash left it behind). */
  partPath: string
}

export type WrittenPart = {
  /** The part file, complete and fsynced. */
  path: string
  lines: PartLine[]
  bytes: number
  sha256: string
  estimatedTokens: number
  outputTokenCapTotal: number
  outputTokenCapMissing: number
}

export type SplitPartResult =
  /** `next` is where the following part starts and `tally` the tally there; `done` when no line is left to take. */
  | { kind: 'part'; part: WrittenPart | null; next: LinePosition; tally: TokenTallyState; done: boolean }
  | { kind: 'line-too-large'; line: number; reason: string }

/**
 * Reads the input from `from` and writes the lines that fit one part's limits, streaming: only the part's lines are
 * held (as offsets; their text goes straight to disk). The line that does not fit is left for the next task, with the
 * tally as it was before that line, so the next task counts it exactly as one pass over the input would have.
 */
export async function splitPart(task: SplitPartTask): Promise<SplitPartResult> {
  const { limits } = task
  if (task.only?.length === 0) return { kind: 'part', part: null, next: task.from, tally: task.tally, done: true }
  const count = await loadTokenCounter(encodingForModel(task.model))
  const tally = new TokenTally('sampled', task.tally)
  const only = task.only === null ? null : new Set(task.only)
  const lastWanted = task.only?.at(-1) ?? Infinity
  const lines: PartLine[] = []
  const totals = { bytes: 0, tokens: 0, embeddingInputs: 0, capTotal: 0, capMissing: 0 }
  let writer: PartWriter | null = null
  let resumeAt = task.from

  const seal = async (next: LinePosition, tallyThere: TokenTallyState, done: boolean): Promise<SplitPartResult> => {
    let part: WrittenPart | null = null
    if (writer) {
      const written = await writer.finish()
      writer = null
      part = {
        path: written.path,
        lines,
        bytes: totals.bytes,
        sha256: written.sha256,
        estimatedTokens: totals.tokens,
        outputTokenCapTotal: totals.capTotal,
        outputTokenCapMissing: totals.capMissing,
      }
    }
    return { kind: 'part', part, next, tally: tallyThere, done }
  }

  try {
    for await (const located of readLocatedLines(task.input, task.from)) {
      const line = located.index + 1
      if (line > lastWanted) break
      if (only && !only.has(line)) {
        resumeAt = after(located)
        continue
      }
      const facts = lineFacts(located, task.endpoint)
      const bytes = Buffer.byteLength(located.text) + 1
      const before = tally.state()
      const tokens = tally.addRequest(facts.fixedTokens, facts.texts, count)
      if (bytes > limits.maxBytes) return { kind: 'line-too-large', line, reason: `is ${bytes.toLocaleString('en-US')} bytes` }
      if (limits.maxTokens !== null && tokens > limits.maxTokens)
        return { kind: 'line-too-large', line, reason: `is about ${tokens.toLocaleString('en-US')} tokens, over the enqueued-token limit` }
      const full =
        lines.length >= limits.maxRequests ||
        totals.bytes + bytes > limits.maxBytes ||
        (limits.maxTokens !== null && totals.tokens + tokens > limits.maxTokens) ||
        totals.embeddingInputs + facts.embeddingInputs > DEFAULT_MAX_EMBEDDING_INPUTS
      if (full && lines.length > 0) return await seal({ offset: located.offset, index: located.index }, before, false)
      writer ??= await PartWriter.open(task.partPath)
      await writer.write(located.text)
      lines.push({ line, customId: facts.customId, offset: located.offset, length: located.length })
      totals.bytes += bytes
      totals.tokens += tokens
      totals.embeddingInputs += facts.embeddingInputs
      if (facts.cap === null) totals.capMissing++
      else if (facts.cap !== undefined) totals.capTotal += facts.cap
      resumeAt = after(located)
    }
    return await seal(resumeAt, tally.state(), true)
  } finally {
    // A line too large, or a read or write error: no half-written part file stays behind.
    await writer?.abandon()
  }
}

// The byte after a line's end: its length plus '\n' (a '\r\n' ending is one byte more, which readLocatedLines skips
// as part of the blank remainder, so resuming there is safe either way).
const after = (located: LocatedLine): LinePosition => ({ offset: located.offset + located.length + 1, index: located.index + 1 })

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
      await this.abandon()
      throw error
    }
  }

  async abandon(): Promise<void> {
    this.out.destroy()
    await rm(this.temp, { force: true })
  }
}
