import 'server-only'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { storageDirs } from '@/lib/server/storage'
import type { ConvertedFiles } from './result-files'

/** A provider batch's results: its raw file as the provider sent it and the OpenAI-format output and error files. */
export type ConvertedBatchResults = { rawPath: string; outputPath: string; errorPath: string; totals: ConvertedFiles }

export type ResultsSource = {
  /** Writes the provider's raw results file to `rawPath` (through a .part file, see downloadAside). */
  download(rawPath: string): Promise<void>
  convert(rawPath: string, target: { outputPath: string; errorPath: string }): Promise<ConvertedFiles>
}

const safeName = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_')

/** <DATA_DIR>/provider-results/<connection>/<batch>/ */
const resultsDir = (connectionId: string, batchId: string) => path.join(storageDirs.providerResults, safeName(connectionId), safeName(batchId))

// One download per batch in this process, however many callers ask at once (the sync copies output and error in turn).
const inFlight = new Map<string, Promise<ConvertedBatchResults>>()

/**
 * A finished provider batch's results, downloaded and converted once and kept: the totals file is written last, so a
 * download or conversion cut off is redone rather than read as whole.
 */
export function convertedResults(connectionId: string, batchId: string, source: ResultsSource): Promise<ConvertedBatchResults> {
  const dir = resultsDir(connectionId, batchId)
  const running = inFlight.get(dir)
  if (running) return running
  const promise = load(dir, source).finally(() => inFlight.delete(dir))
  inFlight.set(dir, promise)
  return promise
}

async function load(dir: string, source: ResultsSource): Promise<ConvertedBatchResults> {
  const paths = { rawPath: path.join(dir, 'raw.jsonl'), outputPath: path.join(dir, 'output.jsonl'), errorPath: path.join(dir, 'error.jsonl') }
  const totalsPath = path.join(dir, 'totals.json')
  const saved = await readFile(totalsPath, 'utf8').catch(() => null)
  if (saved !== null) return { ...paths, totals: JSON.parse(saved) as ConvertedFiles }
  await mkdir(dir, { recursive: true })
  await source.download(paths.rawPath)
  const totals = await source.convert(paths.rawPath, paths)
  await writeFile(totalsPath, JSON.stringify(totals))
  return { ...paths, totals }
}

/** One converted file as a provider's file-content answer (what ProviderApi.fileContent returns). */
export async function convertedFileResponse(filePath: string): Promise<Response> {
  const { size } = await stat(filePath)
  const body = Readable.toWeb(createReadStream(filePath)) as ReadableStream<Uint8Array>
  return new Response(body, { headers: { 'content-type': 'application/jsonl', 'content-length': String(size) } })
}

/** Forgets a batch's kept results (its batch was deleted on the provider). */
export const removeConvertedResults = (connectionId: string, batchId: string) => rm(resultsDir(connectionId, batchId), { recursive: true, force: true })

/** Result file ids for a provider that has one results file per batch: `<batch id>:output` and `<batch id>:error`. */
export const resultFileId = (batchId: string, file: 'output' | 'error') => `${batchId}:${file}`

export function parseResultFileId(fileId: string): { batchId: string; file: 'output' | 'error' } | null {
  const match = /^(.+):(output|error)$/.exec(fileId)
  return match ? { batchId: match[1]!, file: match[2] === 'output' ? 'output' : 'error' } : null
}

/**
 * fileContent and deleteFile for a provider with one results file per batch, kept here: `<batch>:output` and
 * `<batch>:error` are served from the conversion; deleting either deletes the batch on the provider (`deleteBatch`,
 * whose 404 for the second counts as deleted) and the kept copy. Any other id is the provider's own (`deleteOther`).
 */
export function keptResultFiles(
  connectionId: string,
  provider: { name: string; results: (batchId: string) => Promise<ConvertedBatchResults>; deleteBatch: (batchId: string) => Promise<unknown> },
  deleteOther: (fileId: string) => Promise<unknown>,
) {
  return {
    async fileContent(fileId: string): Promise<Response> {
      const parsed = parseResultFileId(fileId)
      if (!parsed) throw new Error(`${provider.name} has no result file ${fileId}: only a batch's results are files here.`)
      const converted = await provider.results(parsed.batchId)
      return convertedFileResponse(parsed.file === 'output' ? converted.outputPath : converted.errorPath)
    },
    async deleteFile(fileId: string): Promise<unknown> {
      const parsed = parseResultFileId(fileId)
      if (!parsed) return deleteOther(fileId)
      await removeConvertedResults(connectionId, parsed.batchId)
      return provider.deleteBatch(parsed.batchId)
    },
  }
}
