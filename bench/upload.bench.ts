// Uploading OpenAI's largest batch file (50,000 chat requests, 200 MB) to the real app, through the same
// requests as the browser (lib/queries/files.ts, useUploadBatchFile): the startFileUpload action with the
// file's sha256, each chunk as the raw body of PUT /api/uploads/{uploadId}?offset=N (one after another), then
// the completeFileUpload action (the server re-validates and hashes the file from disk). Target (issue 3): the
// server's RSS grows by less than 100 MB.
//
// The server is started as `npm start` does (lib/cli/start.ts) on a temporary data dir; its RSS is sampled
// from /proc every 20 ms. Two different files are uploaded in turn: the first upload after a server start
// also pays Next's first compile of the upload route and actions, the second shows what every later upload
// costs. The target is judged on both. The server checks the file in a worker thread (lib/server/workers/pool.ts),
// which starts with the first upload and loads the tokenizer (~60 MB): the first upload's growth includes it.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ensureBuild } from '@/lib/cli/build'
import { projectRoot } from '@/lib/cli/run'
import type { ActionResult } from '@/lib/server/actions'
import type { UploadStart } from '@/lib/server/files/upload'
import { startAppServer, type AppServer } from './support/app-server'
import { LARGE_FILE, writeChatFile } from './support/chat-file'
import { uploadLargeFile, type LargeUpload } from './support/large-upload'
import { MB } from './support/memory'
import { callServerAction, findServerActions } from './support/server-actions'
import type { Bench, BenchRow } from './types'

const PORT = 3991
const MEMORY_TARGET_MB = 100
const ACTIONS = ['startFileUpload', 'completeFileUpload', 'cancelFileUpload'] as const

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function unwrap<T>(result: ActionResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`)
  return result.data
}

function rows(name: string, result: LargeUpload): BenchRow[] {
  const rate = (seconds: number) => `${fixed(result.bytes / MB / seconds)} MB/s`
  return [
    {
      name: `${name}: speed end to end`,
      figure: rate(result.seconds),
      comparison: `${fixed(result.seconds, 1)} s: ${result.chunks} chunks sent in ${fixed(result.sendSeconds, 1)} s (${rate(result.sendSeconds)}), completion (server re-validation, sha256, store) ${fixed(result.completeSeconds, 1)} s`,
    },
    {
      name: `${name}: server peak RSS growth`,
      figure: `+${fixed(result.rssGrowth / MB)} MB`,
      comparison: `over the ${fixed(result.rssBefore / MB)} MB of the \`next start\` process just before; +${fixed(result.rssAfterChunks / MB)} MB of it already when the last chunk was stored`,
      target: `< ${MEMORY_TARGET_MB} MB`,
      met: result.rssGrowth / MB < MEMORY_TARGET_MB,
    },
  ]
}

async function run(): Promise<BenchRow[]> {
  // Without a build of the current source there is nothing faithful to measure; say so in the report
  // rather than stopping the benches that come after this one.
  const notMeasured = (why: string): BenchRow[] => {
    console.log(`  not measured: ${why}`)
    return [{ name: 'upload through server actions', figure: 'not measured', comparison: why }]
  }
  if (!(await ensureBuild())) return notMeasured('`next build` of the current source failed (errors above)')
  const actions = findServerActions(projectRoot, 'lib/actions/files.ts', ACTIONS)
  if ('missing' in actions) return notMeasured(actions.missing)

  const dir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-bench-upload-'))
  let server: AppServer | null = null
  try {
    const first = path.join(dir, 'chat-200mb-a.jsonl')
    const second = path.join(dir, 'chat-200mb-b.jsonl')
    const { bytes, lines } = writeChatFile(first, { ...LARGE_FILE, seed: 1 })
    writeChatFile(second, { ...LARGE_FILE, seed: 2 })
    console.log(`  generated two files of ${fixed(bytes / MB)} MB, ${fixed(lines)} lines; actions found on ${actions.page}`)

    server = await startAppServer({ projectRoot, port: PORT, dataDir: path.join(dir, 'data') })
    // Loads the page's action bundle and opens the database, as the browser's first call would.
    const warm = await callServerAction<ActionResult<UploadStart>>(server.baseUrl, actions.page, actions.ids.startFileUpload, [
      { filename: 'warm-up.jsonl', bytes: 1 },
    ])
    const warmStart = unwrap(warm, 'startFileUpload (warm-up)')
    if (warmStart.kind === 'started') {
      unwrap(
        await callServerAction<ActionResult<null>>(server.baseUrl, actions.page, actions.ids.cancelFileUpload, [{ uploadId: warmStart.uploadId }]),
        'cancelFileUpload',
      )
    }

    const cold = await uploadLargeFile(server, actions, first, lines)
    // The first upload also starts a worker thread, which loads the tokenizer (lib/server/workers/pool.ts): the
    // server no longer holds either at rest, so this growth includes them and the next upload's does not.
    console.log(`  first upload: ${fixed(cold.seconds, 1)} s, server RSS +${fixed(cold.rssGrowth / MB)} MB (with a worker thread's start)`)
    const later = await uploadLargeFile(server, actions, second, lines)
    console.log(`  second upload: ${fixed(later.seconds, 1)} s, server RSS +${fixed(later.rssGrowth / MB)} MB`)
    return [...rows(`${fixed(bytes / MB)} MB / ${fixed(lines)} lines, first upload after server start`, cold), ...rows('the same size, next upload', later)]
  } finally {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const bench: Bench = { name: 'upload', run }
export default bench
