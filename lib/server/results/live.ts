import 'server-only'
import { open, type FileHandle } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { db, dbKind } from '@/lib/server/db'
import { logger } from '@/lib/server/log'
import { pause } from '@/lib/server/retry'
import { fromStoragePath, resultPaths } from '@/lib/server/storage'
import {
  INPUT_COLUMNS,
  ON_INPUT_CONFLICT,
  ON_RESULT_CONFLICT,
  RESULT_COLUMNS,
  inputValues,
  insertSql,
  openRowSink,
  resultRow,
  type BatchForIndex,
  type Value,
} from './indexer'
import { readLocatedLines, type LocatedLine } from '@/lib/workers/located-lines'

/**
 * While the engine runs a batch, its rows point into result files that have no File record yet (those are made at the
 * terminal step, as OpenAI shows no output file before). These stand-in ids name the engine's own output and error
 * files of the batch; the final index replaces them with the real file ids.
 */
export const LIVE_FILE_IDS = { output: 'live:output', error: 'live:error' } as const
type LiveFile = keyof typeof LIVE_FILE_IDS

/** The engine's result files of a batch, by stand-in id, for rows of a live index. */
export function liveFilePaths(batchId: string): Map<string, string> {
  const paths = resultPaths(batchId)
  return new Map([
    [LIVE_FILE_IDS.output, paths.output],
    [LIVE_FILE_IDS.error, paths.error],
  ])
}

/** Rows per write: one short transaction (a few ms on SQLite), so the event loop is never held long. */
const ROWS_PER_WRITE = 250
/** Bytes of a result file read at once; more when a single line (an image answer) is longer. */
const READ_BYTES = 256 * 1024
/**
 * The share of the event loop's time the live index takes while the thread is busy (the engine at full speed): the
 * engine's throughput must stay within 10% of what it is without a live index (`npm run bench`). When the loop is
 * mostly idle, writes take up to half of it, so the page keeps up.
 */
const BUSY_SHARE = 0.05
const IDLE_SHARE = 0.5
/**
 * The thread counts as busy when the rest of it used more than this share of its event loop over the last window. Its
 * own event loop is the one signal (issue 20): the machine's load average counts other processes' work, which pausing
 * this index does not speed up, and held the index at its busy share on a shared machine while the engine was idle.
 */
const BUSY_LOAD = 0.5
const LOAD_WINDOW_MS = 1_000
/** A live index touches its ResultIndex row this often, so that other processes see its builder is alive. */
const TOUCH_MS = 10_000

/** Committed sizes of a batch's output and error files. */
export type CommittedBytes = Record<LiveFile, number>
export type LiveBatch = BatchForIndex & { inputFile: { id: string; storagePath: string | null } | null }

const SQLITE = dbKind === 'sqlite'
// SQLite's full-text table holds every listed row's text (its delete trigger takes it out again): rows written under
// the batch's own id enter it in the same transaction, and an updated row leaves it with its old text first.
// PostgreSQL's GIN index follows the rows by itself.
const SEARCH_ADD_LINES = `INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" FROM "ResultRow" WHERE "batchId" = ? AND "line" BETWEEN ? AND ?`
const SEARCH_WHERE_IDS = `FROM "ResultRow" WHERE "batchId" = ? AND "customId" IN (SELECT "value" FROM json_each(?))`
const SEARCH_REMOVE_IDS = `INSERT INTO "ResultText"("ResultText", rowid, "prompt", "response") SELECT 'delete', "id", "prompt", "response" ${SEARCH_WHERE_IDS}`
const SEARCH_ADD_IDS = `INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" ${SEARCH_WHERE_IDS}`

/**
 * The results index of a batch the engine is running (ResultIndex state "live"): a row per input line ("pending"),
 * then the lines of each commit once the commit is durable, so the results page, its search and export work before
 * the batch ends. The engine's commit only hands over the committed file sizes; this index reads the new lines back
 * from the files and writes them in the background, in short transactions paced to a share of the event loop, and
 * falls behind rather than slow the engine down. A failure stops the live index (the page says so), never the batch.
 * At the end the index is rebuilt from the files by indexBatchResults, as for any batch: the final index does not
 * depend on what was listed live.
 */
export class LiveIndex {
  private committed: CommittedBytes
  private readonly indexed: CommittedBytes = { output: 0, error: 0 }
  private readonly handles = new Map<LiveFile, Promise<FileHandle>>()
  private readonly sink = openRowSink()
  private readonly done: Promise<void>
  private wake: (() => void) | null = null
  private stopped = false
  private busy = false
  /** The event loop's use since `from`, `ownMs` of it by this index's writes. */
  private load = { from: performance.eventLoopUtilization(), ownMs: 0 }
  private touchedAt = 0

  private constructor(
    private readonly batch: LiveBatch,
    private readonly inputPath: string,
    committed: CommittedBytes,
  ) {
    this.committed = { ...committed }
    this.done = this.run().catch((error: unknown) => this.fail(error))
  }

  /**
   * Starts indexing a batch the engine is about to run (or resume after a crash: `committed` are the sizes the commit
   * log kept), in the background; null when its input file is not stored here.
   */
  static start(batch: LiveBatch, committed: CommittedBytes): LiveIndex | null {
    const storagePath = batch.inputFile?.storagePath
    return storagePath ? new LiveIndex(batch, fromStoragePath(storagePath), committed) : null
  }

  /** A commit made these sizes durable and counted. Constant time: the commit does not wait for the index. */
  committedUpTo(bytes: CommittedBytes): void {
    this.committed = { ...bytes }
    this.wake?.()
  }

  /** Stops after the write under way; the rows stay listed until the final index replaces them. */
  async stop(): Promise<void> {
    this.stopped = true
    this.wake?.()
    await this.done
    await Promise.allSettled([...this.handles.values()].map(async (handle) => (await handle).close()))
    this.sink.close()
  }

  private async run(): Promise<void> {
    const batchId = this.batch.id
    await db.resultIndex.upsert({
      where: { batchId },
      create: { batchId, state: 'indexing', inputFileId: this.batch.inputFile!.id },
      update: { state: 'indexing', message: null, inputFileId: this.batch.inputFile!.id },
    })
    // A run resumed after a crash starts over: the rows of the run before may be ahead of what it committed.
    while (
      !this.stopped &&
      (await db.$executeRaw`DELETE FROM "ResultRow" WHERE "id" IN (SELECT "id" FROM "ResultRow" WHERE "batchId" = ${batchId} LIMIT 1000)`) > 0
    );
    await this.indexInput()
    if (this.stopped) return
    await this.indexCommitted()
    if (this.stopped) return
    await this.touch('live')
    while (!this.stopped) {
      await this.indexCommitted()
      if (Date.now() - this.touchedAt > TOUCH_MS) await this.touch('live')
      // Checked and armed in one turn: a commit landing meanwhile wakes it.
      if (!this.stopped && !this.behind()) await new Promise<void>((resolve) => (this.wake = resolve))
      this.wake = null
    }
  }

  private behind = () => this.indexed.output < this.committed.output || this.indexed.error < this.committed.error

  private async touch(state: 'live') {
    this.touchedAt = Date.now()
    await db.resultIndex.update({ where: { batchId: this.batch.id }, data: { state } })
  }

  private async indexInput(): Promise<void> {
    let rows: Value[][] = []
    const flush = async () => {
      if (rows.length === 0) return
      const statements: [string, Value[]][] = [[insertSql(INPUT_COLUMNS, rows.length, ON_INPUT_CONFLICT), rows.flat()]]
      if (SQLITE) statements.push([SEARCH_ADD_LINES, [this.batch.id, rows[0]![1]!, rows.at(-1)![1]!]])
      rows = []
      await this.write(statements)
    }
    for await (const line of readLocatedLines(this.inputPath)) {
      if (this.stopped) return
      rows.push(inputValues(this.batch.id, this.batch, line, 'pending'))
      if (rows.length >= ROWS_PER_WRITE) await flush()
    }
    await flush()
  }

  /** Writes the committed lines not yet listed, a bounded chunk at a time, until caught up or stopped. */
  private async indexCommitted(): Promise<void> {
    for (const file of ['output', 'error'] as const) {
      while (!this.stopped && this.indexed[file] < this.committed[file]) {
        const { lines, end } = await this.readLines(file)
        const rows = lines.flatMap((line) => {
          const row = resultRow(this.batch.id, this.batch, LIVE_FILE_IDS[file], line, () => null)
          return row ? [row.values] : []
        })
        if (rows.length > 0) {
          const ids = [this.batch.id, JSON.stringify(rows.map((row) => row[1]))]
          const upsert: [string, Value[]] = [insertSql(RESULT_COLUMNS, rows.length, ON_RESULT_CONFLICT), rows.flat()]
          await this.write(SQLITE ? [[SEARCH_REMOVE_IDS, ids], upsert, [SEARCH_ADD_IDS, ids]] : [upsert])
        }
        this.indexed[file] = end
      }
    }
  }

  /** Up to ROWS_PER_WRITE whole lines of a result file from where the index stands, and the offset after them. */
  private async readLines(file: LiveFile): Promise<{ lines: Omit<LocatedLine, 'index'>[]; end: number }> {
    const from = this.indexed[file]
    const remaining = this.committed[file] - from
    let handle = this.handles.get(file)
    if (!handle) this.handles.set(file, (handle = open(resultPaths(this.batch.id)[file], 'r')))
    for (let size = Math.min(remaining, READ_BYTES); ; size = Math.min(remaining, size * 4)) {
      const buffer = Buffer.alloc(size)
      const { bytesRead } = await (await handle).read(buffer, 0, size, from)
      if (bytesRead < size) throw new Error(`The engine's ${file} file of ${this.batch.id} is shorter than what was committed.`)
      const lines: Omit<LocatedLine, 'index'>[] = []
      let start = 0
      for (let newline = buffer.indexOf(10); newline !== -1 && lines.length < ROWS_PER_WRITE; newline = buffer.indexOf(10, start)) {
        if (newline > start) lines.push({ offset: from + start, length: newline - start, text: buffer.toString('utf8', start, newline) })
        start = newline + 1
      }
      // Commits end on a line end, so the whole remaining range always holds one.
      if (start > 0 || size === remaining) return { lines, end: from + (start > 0 ? start : size) }
    }
  }

  /**
   * One transaction, then a pause: as long as the write took when the rest of the process has left the event loop
   * mostly idle over the last second, and long enough to keep the writes to BUSY_SHARE of it when not.
   */
  private async write(statements: [string, Value[]][]): Promise<void> {
    const started = performance.now()
    const cpu = process.cpuUsage()
    await this.sink.transaction(statements)
    // What the write cost this thread: its CPU time (on PostgreSQL most of the wall time is the server's), which
    // counts whatever else ran meanwhile too, so a busy process pauses longer.
    const spent = process.cpuUsage(cpu)
    const workMs = Math.min(performance.now() - started, (spent.user + spent.system) / 1000)
    this.load.ownMs += workMs
    const since = performance.eventLoopUtilization(this.load.from)
    if (since.idle + since.active >= LOAD_WINDOW_MS) {
      // Busy: the engine's own work on this thread (in the server, the engine thread's loop, not the request thread's).
      this.busy = (since.active - this.load.ownMs) / (since.idle + since.active) > BUSY_LOAD
      this.load = { from: performance.eventLoopUtilization(), ownMs: 0 }
    }
    const share = this.busy ? BUSY_SHARE : IDLE_SHARE
    await pause((workMs * (1 - share)) / share)
  }

  private async fail(error: unknown): Promise<void> {
    logger.error({ err: error, batchId: this.batch.id }, 'The live results index stopped; the results are indexed when the batch ends.')
    const message = 'Results could not be listed while the batch runs (the details are in the server log); they are listed when it ends.'
    await db.resultIndex.update({ where: { batchId: this.batch.id }, data: { state: 'failed', message } }).catch(() => {})
  }
}
