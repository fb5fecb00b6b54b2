// CPU-heavy work run in the worker threads of lib/server/workers/pool.ts, never on the thread that serves requests.
// Loaded by entry.mjs under tsx inside each worker: it imports only isomorphic code (no 'server-only', no database).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createBatchFileValidator, type ValidateOptions, type ValidationReport } from '@/lib/jsonl'
import { enrichedTable, type EnrichedTableResult, type EnrichedTableTask } from './enriched-table'
import { exportPage, type ExportPageTask } from './export-page'
import { splitPart, type SplitPartResult, type SplitPartTask } from './split-part'

/** The validator options that can cross a thread boundary (no callbacks, no signal). */
export type WorkerValidateOptions = Pick<ValidateOptions, 'endpoint' | 'supportedEndpoints' | 'maxRequests' | 'maxBytes' | 'maxErrors' | 'tokenEstimate'>

export type WorkerTask =
  /** sha256 and the full validation of a file on disk, in one streaming pass. */
  | { kind: 'inspect'; path: string }
  /** Validation alone, with the caller's options (the engine re-validating a stored /v1 file). */
  | { kind: 'validate'; path: string; options: WorkerValidateOptions }
  /** The next part of a job's split: its lines' token estimates and its file. */
  | SplitPartTask
  /** One page of a results export, formatted as CSV or JSONL. */
  | ExportPageTask
  /** The table a batch was built from with its answers, written as CSV to a file. */
  | EnrichedTableTask

export type WorkerResult<T extends WorkerTask> = T extends { kind: 'inspect' }
  ? { sha256: string; report: ValidationReport }
  : T extends { kind: 'split-part' }
    ? SplitPartResult
    : T extends { kind: 'export-page' }
      ? Uint8Array
      : T extends { kind: 'enriched-table' }
        ? EnrichedTableResult
        : ValidationReport

// Streams stay streams: the worker reads the file itself, 1 MiB at a time; only the path and the report cross threads.
async function streamFile(filePath: string, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) await onChunk(chunk)
}

/**
 * A full collection of this thread's heap after a split task, where `npm start` exposes `gc` (lib/cli/start.ts): a
 * part's rows and buffers outlive the young generation, and V8 left them there: a 1,000,000-line split grew this
 * thread's heap by 58 MB and its buffers by 40 MB without one full collection (decision 062). Collecting here costs
 * tens of ms of this thread, none of the request thread's.
 */
function collectGarbage(): void {
  ;(globalThis as { gc?: () => void }).gc?.()
}

export async function runTask(task: WorkerTask): Promise<WorkerResult<WorkerTask>> {
  if (task.kind === 'inspect') {
    const hash = createHash('sha256')
    const validator = createBatchFileValidator()
    await streamFile(task.path, (chunk) => {
      hash.update(chunk)
      return validator.push(chunk)
    })
    return { sha256: hash.digest('hex'), report: await validator.finish() }
  }
  if (task.kind === 'split-part') {
    const result = await splitPart(task)
    collectGarbage()
    return result
  }
  if (task.kind === 'export-page') return exportPage(task)
  if (task.kind === 'enriched-table') return enrichedTable(task)
  const validator = createBatchFileValidator(task.options)
  await streamFile(task.path, (chunk) => validator.push(chunk))
  return validator.finish()
}
