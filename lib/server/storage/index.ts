import 'server-only'
import { createReadStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { env } from '@/lib/server/env'

// Everything users upload and providers return lives under DATA_DIR: one folder to back up.
export const storageDirs = {
  files: path.join(env.dataDir, 'files'),
  uploads: path.join(env.dataDir, 'uploads'),
  // Tables batch files were built from (the batch builder), for joining answers back to them.
  sources: path.join(env.dataDir, 'sources'),
  // Jobs' part files (the inputs of their batches) and their combined output and error files.
  jobs: path.join(env.dataDir, 'jobs'),
  // Anthropic's and Gemini's own results files, kept as they came, beside their OpenAI-format conversions.
  providerResults: path.join(env.dataDir, 'provider-results'),
  // Requests translated for a provider that takes them in its create call (Anthropic), from upload until create.
  providerInputs: path.join(env.dataDir, 'provider-inputs'),
  // Exports written by a worker thread for the request thread to stream, removed as soon as the stream opens them.
  exports: path.join(env.dataDir, 'exports'),
}

/** Paths are stored relative to DATA_DIR so the folder can be moved or restored elsewhere. */
export const toStoragePath = (absolute: string) => path.relative(env.dataDir, absolute)
export const fromStoragePath = (relative: string) => path.join(env.dataDir, relative)

export const storedFilePath = (fileId: string) => path.join(storageDirs.files, `${fileId}.jsonl`)
export const sourceTablePath = (fileId: string) => path.join(storageDirs.sources, `${fileId}.jsonl`)
export const providerInputPath = (inputId: string) => path.join(storageDirs.providerInputs, `${inputId}.jsonl`)
export const jobPartPath = (jobId: string, seq: number) => path.join(storageDirs.jobs, jobId, `part-${seq}.jsonl`)

/** Where the engine writes a builtin batch's results; the results index reads the timings from here for any batch. */
export const resultPaths = (batchId: string) => ({
  output: path.join(storageDirs.files, `${batchId}_output.jsonl`),
  error: path.join(storageDirs.files, `${batchId}_error.jsonl`),
  /** `[custom_id, ms]` per answered line, for the results page's latency column; not part of OpenAI's files. */
  timings: path.join(storageDirs.files, `${batchId}_timings.jsonl`),
})

export async function ensureStorageDirs() {
  await Promise.all(Object.values(storageDirs).map((dir) => mkdir(dir, { recursive: true })))
}

/** A stored file as a web stream of bytes, for streamed downloads and re-validation. */
export function readStoredFile(relative: string, options: { start?: number; end?: number } = {}): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(fromStoragePath(relative), { highWaterMark: 1 << 20, ...options })) as ReadableStream<Uint8Array>
}
