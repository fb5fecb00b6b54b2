import 'server-only'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { emptyUsage, type Usage } from './results'

/** One line's result. `latencyMs`: how long the upstream took to answer the final attempt, when one answered. */
export type LineOutcome = ({ ok: true; line: string; usage: Usage } | { ok: false; line: string }) & { latencyMs?: number }

/** What one commit made durable, for the database write that makes it count. */
export type CommittedLines = {
  lines: number
  completed: number
  failed: number
  usage: Usage
  /** The bitmap of lines done, this commit's included. */
  doneLines: Buffer<ArrayBuffer>
  /** Committed sizes of the output and error files. */
  outputBytes: number
  errorBytes: number
  at: number
  /** Since the previous commit. */
  elapsedMs: number
}

export type CommitLogFiles = { output: string; error: string; timings: string }

export type CommitLogStart = {
  /** Sizes the database says are committed; bytes past them are a crash's half-written tail. */
  outputBytes: number
  errorBytes: number
  doneLines: Uint8Array | null
  totalLines: number
}

export type CommitLogOptions = {
  /** Recording this many uncommitted lines starts a commit at once. */
  flushLines: number
  /** Makes a commit count (the database write); if it throws, the log stops committing and reports it. */
  persist: (commit: CommittedLines) => Promise<void>
  /** Called once with the first failed commit's error. */
  onError: (error: unknown) => void
}

type Pending = { out: string[]; err: string[]; timings: string[]; indexes: number[]; completed: number; failed: number; usage: Usage }
const fresh = (): Pending => ({ out: [], err: [], timings: [], indexes: [], completed: 0, failed: 0, usage: emptyUsage() })

/** Opens a result file for appending, cut back to what the database says is committed: a crash's half-written tail goes. */
async function openCommitted(filePath: string, committed: number): Promise<FileHandle> {
  const size = await stat(filePath).then(
    (s) => s.size,
    () => 0,
  )
  if (size < committed) throw new Error(`${filePath} has ${size} bytes but ${committed} were committed; the data dir was changed underneath the engine.`)
  const handle = await open(filePath, 'a')
  if (size > committed) await handle.truncate(committed)
  return handle
}

/**
 * The engine's durable record of a batch's finished lines: results are gathered in memory, then appended to the output
 * and error files, fsynced, and only then persisted (sizes and the done-line bitmap in the database). A crash in
 * between leaves a tail that the next run truncates, and those lines run again: none lost, none written twice.
 * Commits run one at a time, in order.
 */
export class CommitLog {
  private pending = fresh()
  private flushing: Promise<void> = Promise.resolve()
  private failure: { error: unknown } | null = null
  private lastCommitAt = Date.now()

  private constructor(
    private readonly out: FileHandle,
    private readonly err: FileHandle,
    private readonly timings: FileHandle,
    private readonly done: Buffer<ArrayBuffer>,
    private outputBytes: number,
    private errorBytes: number,
    private readonly options: CommitLogOptions,
  ) {}

  static async open(files: CommitLogFiles, start: CommitLogStart, options: CommitLogOptions): Promise<CommitLog> {
    const out = await openCommitted(files.output, start.outputBytes)
    const err = await openCommitted(files.error, start.errorBytes)
    // Timings are not committed like results: a line run again after a crash appends its timing again, and the
    // indexer keeps the last one.
    const timings = await open(files.timings, 'a')
    const done = Buffer.from(start.doneLines ?? new Uint8Array(Math.ceil(start.totalLines / 8)))
    return new CommitLog(out, err, timings, done, start.outputBytes, start.errorBytes, options)
  }

  isDone(index: number): boolean {
    return ((this.done[index >> 3] ?? 0) & (1 << (index & 7))) !== 0
  }

  /** Lines recorded and not yet committed. */
  get pendingLines(): number {
    return this.pending.indexes.length
  }

  /** Milliseconds since the last commit. */
  get sinceCommitMs(): number {
    return Date.now() - this.lastCommitAt
  }

  /** The first failed commit's error, if any; nothing is committed after it. */
  get error(): { error: unknown } | null {
    return this.failure
  }

  record(index: number, outcome: LineOutcome, customId?: string): void {
    const pending = this.pending
    pending.indexes.push(index)
    if (outcome.latencyMs !== undefined && customId !== undefined) pending.timings.push(`[${JSON.stringify(customId)},${outcome.latencyMs}]\n`)
    if (outcome.ok) {
      pending.out.push(outcome.line)
      pending.completed++
      const { usage } = pending
      usage.input += outcome.usage.input
      usage.cached += outcome.usage.cached
      usage.output += outcome.usage.output
      usage.reasoning += outcome.usage.reasoning
      usage.total += outcome.usage.total
    } else {
      pending.err.push(outcome.line)
      pending.failed++
    }
    if (pending.indexes.length >= this.options.flushLines) void this.flush()
  }

  /** Commits what is pending after any commit under way; `force` persists even with no new lines (to renew a lease). */
  flush(force = false): Promise<void> {
    this.flushing = this.flushing
      .then(() => (this.failure ? undefined : this.commit(force)))
      .catch((error: unknown) => {
        this.failure = { error }
        this.options.onError(error)
      })
    return this.flushing
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.out.close(), this.err.close(), this.timings.close()])
  }

  private async commit(force: boolean): Promise<void> {
    const batch = this.pending
    this.pending = fresh()
    const lines = batch.indexes.length
    if (lines === 0 && !force) return
    const outText = batch.out.join('')
    const errText = batch.err.join('')
    // The bytes reach the disk before the database says they exist.
    if (outText) await this.out.write(outText)
    if (errText) await this.err.write(errText)
    if (batch.timings.length > 0) await this.timings.write(batch.timings.join(''))
    await Promise.all([outText ? this.out.datasync() : null, errText ? this.err.datasync() : null])
    this.outputBytes += Buffer.byteLength(outText)
    this.errorBytes += Buffer.byteLength(errText)
    for (const index of batch.indexes) this.done[index >> 3]! |= 1 << (index & 7)
    const at = Date.now()
    const elapsedMs = at - this.lastCommitAt
    this.lastCommitAt = at
    await this.options.persist({
      lines,
      completed: batch.completed,
      failed: batch.failed,
      usage: batch.usage,
      doneLines: this.done,
      outputBytes: this.outputBytes,
      errorBytes: this.errorBytes,
      at,
      elapsedMs,
    })
  }
}
