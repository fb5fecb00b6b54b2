// One part of a job's split (lib/server/jobs/split.ts drives them one after another), run in a worker thread: the
// tokenizer's rank tables (about 60 MB) load here, never on the thread that serves requests (issue 18).
import { createHash } from 'node:crypto'
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
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

/** A part's line as a row for the job: `PartLine` as a JSON array, so a part's rows cross threads as a few strings. */
export type PartRow = [line: number, customId: string, offset: number, length: number]

/** Rows a part holds per JSON string: one INSERT each on the server thread (lib/server/jobs/parts.ts). */
export const PART_ROWS_PER_CHUNK = 5_000

export type WrittenPart = {
  /** The part file, complete and fsynced. */
  path: string
  lineCount: number
  /**
   * The part's lines in input order, as JSON arrays of PartRow, PART_ROWS_PER_CHUNK a string. 50,000 line objects
   * would be copied object by object into the server thread and live there through the part's commit, long enough
   * to reach the old generation: about 10 MB of garbage a part until a full collection (decision 062).
   */
  rows: string[]
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
  const rows = new RowChunks()
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
        lineCount: rows.count,
        rows: rows.finish(),
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
        rows.count >= limits.maxRequests ||
        totals.bytes + bytes > limits.maxBytes ||
        (limits.maxTokens !== null && totals.tokens + tokens > limits.maxTokens) ||
        totals.embeddingInputs + facts.embeddingInputs > DEFAULT_MAX_EMBEDDING_INPUTS
      if (full && rows.count > 0) return await seal({ offset: located.offset, index: located.index }, before, false)
      writer ??= await PartWriter.open(task.partPath)
      await writer.write(located.text)
      rows.add([line, facts.customId, located.offset, located.length])
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

/** A part's rows as JSON, a chunk of PART_ROWS_PER_CHUNK at a time. */
class RowChunks {
  private readonly chunks: string[] = []
  private current: string[] = []
  count = 0

  add(row: PartRow): void {
    this.current.push(JSON.stringify(row))
    this.count++
    if (this.current.length === PART_ROWS_PER_CHUNK) this.close()
  }

  finish(): string[] {
    this.close()
    return this.chunks
  }

  private close(): void {
    if (this.current.length > 0) this.chunks.push(`[${this.current.join(',')}]`)
    this.current = []
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

const WRITE_BUFFER_BYTES = 1 << 20

/**
 * A part file written as `<path>.part` through one reused buffer, hashed on the way, fsynced and renamed when
 * finished. A write stream of one string a line would make a buffer a line, which lives outside the JavaScript heap
 * until a collection: tens of MB a part in this thread (decision 062).
 */
class PartWriter {
  private readonly temp: string
  private readonly hash = createHash('sha256')
  private readonly buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES)
  private filled = 0

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {
    this.temp = `${path}.part`
  }

  static async open(file: string): Promise<PartWriter> {
    await mkdir(path.dirname(file), { recursive: true })
    return new PartWriter(file, await open(`${file}.part`, 'w'))
  }

  async write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text) + 1
    if (this.filled + bytes > this.buffer.length) await this.flush()
    if (bytes > this.buffer.length) {
      await this.writeOut(Buffer.from(`${text}\n`))
      return
    }
    this.filled += this.buffer.write(text, this.filled)
    this.buffer[this.filled++] = 10
  }

  async finish(): Promise<{ path: string; sha256: string }> {
    try {
      await this.flush()
      // On disk before the rename, so a renamed part is complete after a crash.
      await this.file.sync()
      await this.file.close()
      await rename(this.temp, this.path)
      return { path: this.path, sha256: this.hash.digest('hex') }
    } catch (error) {
      await this.abandon()
      throw error
    }
  }

  async abandon(): Promise<void> {
    await this.file.close().catch(() => {})
    await rm(this.temp, { force: true })
  }

  private async flush(): Promise<void> {
    if (this.filled === 0) return
    await this.writeOut(this.buffer.subarray(0, this.filled))
    this.filled = 0
  }

  private async writeOut(bytes: Buffer): Promise<void> {
    this.hash.update(bytes)
    for (let written = 0; written < bytes.length;) written += (await this.file.write(bytes, written, bytes.length - written)).bytesWritten
  }
}
