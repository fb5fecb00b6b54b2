// Issue 15's job rows, measured on the real app (`npm start`, built from the current source) through HTTP as a user
// or a client drives it: the input uploaded to /v1/files, the connection and the job made by the app's server actions
// (as the browser calls them), progress read from GET /api/jobs/{id}.
//
// 1. Splitting a 1,000,000-line file (BENCH_JOBS_SPLIT_LINES to run smaller): the time from createJob until the job
//    records every line in a part; the peak RSS growth of the `next start` process over that time (target < 100 MB;
//    the engine's thread, which the parts start, is started before by a one-line batch: that is the server's one-off
//    cost of engine work, not the split's); and the longest the server's event loop stalled over that time
//    (nodejs_eventloop_lag_max_seconds from GET /metrics, whose histogram each scrape resets): a stall longer than
//    Node's default 5 s keep-alive timeout resets the connection a polling client already sent its next request on
//    (ECONNRESET; `npm start` sets 30 s). The split runs on the built-in connection with a model no upstream serves,
//    so the parts it makes fail at once instead of running a million simulated requests on this machine.
// 2. On a second server started with BATCHBOARD_V1_LIMITS (an enqueued-token limit that holds a few parts) and an
//    `openai` connection pointed at its own /v1 (the rehearsal setup): a job of BENCH_JOBS_QUEUE_LINES lines
//    (default 600). Queue utilisation is the provider's enqueued tokens (its validating, in_progress and finalizing
//    batches' estimated input tokens, read from the server's database every 100 ms) over the limit, averaged over the
//    samples taken while some part of the job waits (target ≥ 0.8). The idle gap is, for each part batch that ended
//    on the provider, the time until the next batch was created there (target: mean ≤ one sync interval,
//    BATCHBOARD_SYNC_INTERVAL_MS).
import Database from 'better-sqlite3'
import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ensureBuild } from '@/lib/cli/build'
import { projectRoot } from '@/lib/cli/run'
import type { JobDetail } from '@/lib/jobs/types'
import type { ActionResult } from '@/lib/server/actions'
import { startAppServer, type AppServer } from './support/app-server'
import { MB, trackPeakRss } from './support/memory'
import { callServerAction, findServerActions } from './support/server-actions'
import type { Bench, BenchRow } from './types'

const PORT = 3994
const SPLIT_LINES = Number(process.env.BENCH_JOBS_SPLIT_LINES ?? 1_000_000)
const QUEUE_LINES = Number(process.env.BENCH_JOBS_QUEUE_LINES ?? 600)
const PER_PART = 50
// About 3.5 parts of 50 lines (13 estimated tokens each): whole parts of that size would leave half a part idle.
const LIMIT = 2_300
const SYNC_MS = 1_000
// Each simulated request answers after this long; every line of a part runs at once, so a part runs about this long
// on the provider: a few sync intervals, as a real batch runs many.
const PART_RUN_MS = 5_000
const API_KEY = 'bench-jobs-key-0123456789'
const ENQUEUED = ['validating', 'in_progress', 'finalizing']

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

const line = (n: number, prefix: string, model: string) =>
  JSON.stringify({
    custom_id: `${prefix}-${n}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content: `question ${String(n % 10_000).padStart(4, '0')} please now` }], max_tokens: 100 },
  })

function writeInput(file: string, count: number, model: string): void {
  writeFileSync(file, '')
  const chunk: string[] = []
  for (let n = 1; n <= count; n++) {
    chunk.push(line(n, path.basename(file, '.jsonl'), model))
    if (chunk.length === 10_000 || n === count) {
      writeFileSync(file, `${chunk.join('\n')}\n`, { flag: 'a' })
      chunk.length = 0
    }
  }
}

function unwrap<T>(result: ActionResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`)
  return result.data
}

/** Uploads a batch input file through the app's /v1/files, as an OpenAI client would. */
async function uploadV1File(server: AppServer, file: string): Promise<string> {
  const form = new FormData()
  form.append('purpose', 'batch')
  form.append('file', await openAsBlob(file), path.basename(file))
  const response = await fetch(`${server.baseUrl}/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${API_KEY}` }, body: form })
  if (!response.ok) throw new Error(`POST /v1/files: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { id: string }).id
}

/**
 * Starts the built-in engine's thread (and its validation thread) with a one-line batch that fails at validation, as
 * the split's parts will: the engine's one-off start is not the split's memory. The thread stays for an idle minute.
 */
async function warmEngine(server: AppServer, dir: string): Promise<void> {
  const file = path.join(dir, 'warm.jsonl')
  writeInput(file, 1, 'bench-split')
  const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' }
  const body = JSON.stringify({ input_file_id: await uploadV1File(server, file), endpoint: '/v1/chat/completions', completion_window: '24h' })
  const created = await fetch(`${server.baseUrl}/v1/batches`, { method: 'POST', headers, body })
  if (!created.ok) throw new Error(`POST /v1/batches: ${created.status} ${await created.text()}`)
  const { id } = (await created.json()) as { id: string }
  const deadline = Date.now() + 5 * 60_000
  for (;;) {
    const batch = (await (await fetch(`${server.baseUrl}/v1/batches/${id}`, { headers })).json()) as { status: string }
    if (['failed', 'completed', 'expired', 'cancelled'].includes(batch.status)) return
    if (Date.now() > deadline) throw new Error(`the warm-up batch did not end within 5 minutes (${batch.status})`)
    await sleep(100)
  }
}

function action<T, Name extends string>(server: AppServer, file: string, name: Name, args: unknown[]): Promise<ActionResult<T>> {
  const found = findServerActions(projectRoot, file, [name])
  if ('missing' in found) throw new Error(found.missing)
  return callServerAction<ActionResult<T>>(server.baseUrl, found.page, found.ids[name], args)
}

async function createJob(server: AppServer, fileId: string, connectionId: string): Promise<string> {
  const input = { fileId, connectionId, completionWindow: '24h', description: '', metadata: [], maxAttempts: 3 }
  return unwrap(await action<{ id: string }, string>(server, 'lib/actions/jobs.ts', 'createJob', [input]), 'createJob').id
}

async function readJob(server: AppServer, id: string): Promise<JobDetail> {
  const response = await fetch(`${server.baseUrl}/api/jobs/${id}`)
  if (!response.ok) throw new Error(`GET /api/jobs/${id}: ${response.status} ${await response.text()}`)
  return (await response.json()) as JobDetail
}

const start = (dir: string, name: string, env: Record<string, string> = {}) =>
  startAppServer({ projectRoot, port: PORT, dataDir: path.join(dir, name), env: { BATCHBOARD_API_KEY: API_KEY, ...env } })

type Split = { seconds: number; parts: number; rssBefore: number; rssGrowth: number; stallSeconds: number }

// Node's http.Server default keep-alive timeout: a stall longer than this resets the connections of clients polling a
// server that keeps the default (`npm start` sets 30 s, lib/cli/start.ts).
const KEEP_ALIVE_TIMEOUT_S = 5

/** The longest event-loop delay the server saw since the previous scrape of /metrics (which resets it), in seconds. */
async function longestStall(server: AppServer): Promise<number> {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${API_KEY}` } })
  if (!response.ok) throw new Error(`GET /metrics: ${response.status} ${await response.text()}`)
  const match = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await response.text())
  if (!match) throw new Error('GET /metrics has no nodejs_eventloop_lag_max_seconds')
  return Number(match[1])
}

async function measureSplit(dir: string): Promise<Split> {
  const input = path.join(dir, 'split.jsonl')
  writeInput(input, SPLIT_LINES, 'bench-split')
  const server = await start(dir, 'split-data')
  try {
    const fileId = await uploadV1File(server, input)
    await warmEngine(server, dir)
    // The action bundle and the jobs route compiled, the database open: what the measured split should not pay.
    await readJob(server, 'job_none').catch(() => {})
    await longestStall(server)
    const memory = trackPeakRss(server.serverPid)
    const started = performance.now()
    const id = await createJob(server, fileId, 'builtin')
    let job = await readJob(server, id)
    while (job.splitLines < SPLIT_LINES && !['failed', 'cancelled'].includes(job.status)) {
      await sleep(100)
      job = await readJob(server, id)
    }
    const seconds = (performance.now() - started) / 1000
    const rssGrowth = memory.stop()
    const stallSeconds = await longestStall(server)
    if (job.splitLines < SPLIT_LINES) throw new Error(`the split stopped at line ${job.splitLines}: ${job.status} ${job.error ?? ''}`)
    return { seconds, parts: job.parts.length, rssBefore: memory.before, rssGrowth, stallSeconds }
  } finally {
    await server.stop()
  }
}

/** One part ending on the provider until the next part's batch was created there: `seeing` until the job started
 * sending it (the sync noticing the end, the job's look), `sending` the upload and create calls. */
type Gap = { total: number; seeing: number; sending: number }
type Queue = { status: string; parts: number; utilisation: number; samples: number; gaps: Gap[]; refused: number }

async function measureQueue(dir: string): Promise<Queue> {
  const input = path.join(dir, 'queue.jsonl')
  writeInput(input, QUEUE_LINES, 'sim-chat')
  const dataDir = path.join(dir, 'queue-data')
  const server = await start(dir, 'queue-data', {
    BATCHBOARD_V1_LIMITS: JSON.stringify({ enqueuedTokens: { 'sim-*': LIMIT } }),
    BATCHBOARD_SYNC_INTERVAL_MS: String(SYNC_MS),
    BATCHBOARD_SIMULATOR_LATENCY_MS: String(PART_RUN_MS),
    BATCHBOARD_SIMULATOR_CONCURRENCY: '1024',
  })
  // The provider's side (the app's own /v1 batches) read from the server's database, never written.
  const database = new Database(path.join(dataDir, 'batchboard.db'), { readonly: true, fileMustExist: true })
  try {
    const connection = unwrap(
      await action<{ id: string }, string>(server, 'lib/actions/connections.ts', 'saveConnection', [
        {
          kind: 'openai',
          name: 'limited /v1',
          baseUrl: `${server.baseUrl}/v1`,
          apiKey: API_KEY,
          maxRequestsPerBatch: PER_PART,
          enqueuedTokenLimits: { 'sim-*': LIMIT },
        },
      ]),
      'saveConnection',
    )
    const fileId = await uploadV1File(server, input)
    const id = await createJob(server, fileId, connection.id)
    const enqueued = database.prepare(
      `SELECT COALESCE(SUM(f."estimatedInputTokens"), 0) AS tokens FROM "Batch" b JOIN "File" f ON f."id" = b."inputFileId"
       WHERE b."connectionId" = 'builtin' AND f."model" = 'sim-chat' AND b."status" IN (${ENQUEUED.map(() => '?').join(', ')})`,
    )
    const waiting = database.prepare(`SELECT COUNT(*) AS n FROM "JobPart" WHERE "jobId" = ? AND "status" = 'queued'`)
    const samples: number[] = []
    const deadline = Date.now() + 20 * 60_000
    for (;;) {
      const job = await readJob(server, id)
      if (['completed', 'failed', 'cancelled'].includes(job.status)) break
      if (job.status === 'paused') throw new Error(`the job paused: ${job.error ?? ''}`)
      if (Date.now() > deadline) throw new Error(`the job did not end within 20 minutes (${job.status})`)
      if ((waiting.get(id) as { n: number }).n > 0) samples.push(Number((enqueued.get(...ENQUEUED) as { tokens: number | bigint }).tokens) / LIMIT)
      await sleep(100)
    }
    const provider = database.prepare(`SELECT "id", "createdAt", "completedAt", "status" FROM "Batch" WHERE "connectionId" = 'builtin'`).all() as {
      id: string
      createdAt: number | string
      completedAt: number | string | null
      status: string
    }[]
    // When the job began sending each part, by the provider's batch id the part's own batch points at.
    const sendingSince = new Map(
      (
        database
          .prepare(
            `SELECT b."remoteId" AS "remoteId", p."submittedAt" AS "submittedAt" FROM "JobPart" p JOIN "Batch" b ON b."id" = p."batchId" WHERE p."jobId" = ?`,
          )
          .all(id) as { remoteId: string | null; submittedAt: number | string | null }[]
      ).map((part) => [part.remoteId, part.submittedAt]),
    )
    const at = (value: number | string) => (typeof value === 'number' ? value : Date.parse(value))
    const created = provider.map((batch) => ({ id: batch.id, at: at(batch.createdAt) })).sort((a, b) => a.at - b.at)
    const gaps: Gap[] = []
    for (const batch of provider) {
      if (batch.completedAt === null) continue
      const ended = at(batch.completedAt)
      const next = created.find((other) => other.at >= ended)
      const sentAt = next && sendingSince.get(next.id)
      if (next && sentAt != null) gaps.push({ total: next.at - ended, seeing: at(sentAt) - ended, sending: next.at - at(sentAt) })
    }
    const job = await readJob(server, id)
    return {
      status: job.status,
      parts: job.parts.length,
      utilisation: samples.length === 0 ? 0 : samples.reduce((sum, value) => sum + value, 0) / samples.length,
      samples: samples.length,
      gaps,
      refused: provider.filter((batch) => batch.status === 'failed').length,
    }
  } finally {
    database.close()
    await server.stop()
  }
}

async function run(): Promise<BenchRow[]> {
  if (!(await ensureBuild())) return [{ name: 'jobs on the app', figure: 'not measured', comparison: '`next build` of the current source failed' }]
  const dir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-bench-jobs-'))
  try {
    const split = await measureSplit(dir)
    console.log(
      `  split: ${fixed(split.seconds, 1)} s, ${split.parts} parts, server RSS +${fixed(split.rssGrowth / MB)} MB, longest stall ${fixed(split.stallSeconds, 2)} s`,
    )
    const queue = await measureQueue(dir)
    const meanOf = (part: keyof Gap) => (queue.gaps.length === 0 ? 0 : queue.gaps.reduce((sum, gap) => sum + gap[part], 0) / queue.gaps.length)
    const meanGap = meanOf('total')
    return [
      {
        name: `split ${fixed(SPLIT_LINES)} lines into parts (createJob until every line is in a part)`,
        figure: `${fixed(split.seconds, 1)} s`,
        comparison: `${fixed(SPLIT_LINES / split.seconds)} lines/s, ${split.parts} parts`,
      },
      {
        name: 'server RSS growth while splitting',
        figure: `+${fixed(split.rssGrowth / MB, 1)} MB`,
        comparison: `over the ${fixed(split.rssBefore / MB)} MB of the \`next start\` process just before (its engine thread started)`,
        target: '< 100 MB',
        met: split.rssGrowth < 100 * MB,
      },
      {
        name: 'longest event-loop stall on the server while splitting',
        figure: `${fixed(split.stallSeconds * 1000)} ms`,
        comparison: `a stall past Node's default ${KEEP_ALIVE_TIMEOUT_S} s keep-alive timeout resets a polling client's connection (ECONNRESET); npm start sets 30 s`,
        target: `< ${KEEP_ALIVE_TIMEOUT_S} s`,
        met: split.stallSeconds < KEEP_ALIVE_TIMEOUT_S,
      },
      {
        name: `queue utilisation while parts wait (enqueued tokens / limit, ${fixed(QUEUE_LINES)} lines on the limited /v1)`,
        figure: queue.utilisation.toFixed(2),
        comparison: `${queue.samples} samples; ${queue.parts} parts; ${queue.refused} refused by the provider; job ${queue.status}`,
        target: '≥ 0.8',
        met: queue.utilisation >= 0.8 && queue.status === 'completed',
      },
      {
        name: 'idle gap between a part ending on the provider and the next part created there',
        figure: `mean ${fixed(meanGap)} ms, max ${fixed(Math.max(0, ...queue.gaps.map((gap) => gap.total)))} ms`,
        comparison:
          `${queue.gaps.length} gaps; of the mean, ${fixed(meanOf('seeing'))} ms until the job began sending the next part and ` +
          `${fixed(meanOf('sending'))} ms to upload and create it; sync interval ${fixed(SYNC_MS)} ms; parts run about ${fixed(PART_RUN_MS)} ms`,
        target: `mean ≤ ${fixed(SYNC_MS)} ms (one sync interval)`,
        met: queue.gaps.length > 0 && meanGap <= SYNC_MS,
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const bench: Bench = { name: 'jobs', run }
export default bench
