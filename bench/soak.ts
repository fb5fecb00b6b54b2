// `npm run soak`: a bounded soak of the real app on loopback (issue 10). For SOAK_SECONDS (default 180) it keeps
// 20 uploads in flight, 10 batches running on the simulator and 50 pollers reading status routes, all with a
// logged-in session, as browsers would. It reports errors (target: none), latency of the status routes at idle
// (the pollers alone, first) and under load with their ratio, the event-loop lag the server reports in /metrics,
// the RSS (and PSS) of everything `npm start` runs at rest (SOAK_REST_SECONDS, default 60, after the first page), right
// after the load and again once the worker threads' idle timeout has passed, and the server's RSS before, during and after
// (no growth trend), then one 200 MB upload's peak RSS growth. Upload throughput and status reads are compared with an earlier run's bench/out/soak.json
// (SOAK_BASELINE names another, e.g. one measured on main). The load average is printed beside the figures: other
// work on the machine makes every figure pessimistic. Prints a table; writes bench/out/soak.json.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ensureBuild } from '@/lib/cli/build'
import { projectRoot } from '@/lib/cli/run'
import { isTerminal, parseBatchStatus } from '@/lib/batch/status'
import { WORKER_IDLE_MS } from '@/lib/constants'
import type { ActionResult } from '@/lib/server/actions'
import type { UploadResult, UploadStart } from '@/lib/server/files/upload'
import { startAppServer, type AppServer } from './support/app-server'
import { LARGE_FILE, writeChatFile } from './support/chat-file'
import { uploadLargeFile } from './support/large-upload'
import { MB, procMemoryMap, procPssBytes, procStatusBytes, type MemoryMap } from './support/memory'
import { callServerAction, findServerActions, type ServerActions } from './support/server-actions'
import { exited, startWorker } from '@/tests/support/worker'
import { startFakeOpenAIProcess, type FakeOpenAIProcess } from './support/fake-openai'

const PORT = Number(process.env.SOAK_PORT ?? 3993)
const SECONDS = Number(process.env.SOAK_SECONDS ?? 180)
const UPLOADERS = 20
const BATCHES = 10
const POLLERS = 50
const POLL_EVERY_MS = 1_000
/** A process runs 4 batches at a time (the scheduler's maxBatches): two `npm run worker`s beside the server run all 10. */
const WORKERS = 2
const SIMULATOR = { BATCHBOARD_SIMULATOR_LATENCY_MS: '250', BATCHBOARD_SIMULATOR_CONCURRENCY: '64' }
/** Enough lines that the batches are still running when the soak ends: 250 ms per line, 64 at a time per process. */
const LINES_PER_BATCH = Math.ceil((SECONDS * 64 * 4 * (WORKERS + 1)) / BATCHES)
const UPLOAD_LINES = 5_000
const PASSWORD = 'soak test password, loopback only'
/** The pollers alone, before any load: what a status read costs on an idle server. */
const IDLE_SECONDS = Math.min(30, Math.max(5, Math.round(SECONDS / 6)))
/** Issue 18's targets. */
const TARGETS = {
  idleStatusP95Ms: 20,
  statusP95Ms: 50,
  statusP99Ms: 150,
  eventLoopLagP99Ms: 50,
  restRssMB: 250,
  afterSoakRssMB: 300,
  largeUploadRssGrowthMB: 100,
}
/** "At rest" is this long after the first page load, with nothing else happening: the same moment in every run. */
const REST_SECONDS = Number(process.env.SOAK_REST_SECONDS ?? 60)
/** After the load, memory is read again once the pool's idle worker threads have stopped (plus a margin). */
const AFTER_IDLE_MS = WORKER_IDLE_MS + 10_000
/**
 * SOAK_HEAP_SNAPSHOTS=1: the server writes a V8 heap snapshot (Heap.*.heapsnapshot in the project root; open two in
 * Chrome DevTools' Memory tab to compare) at rest and after the soak, each just after those figures are read. Writing
 * one mallocs about as much again as the heap, which the process keeps: RSS figures after a snapshot are not comparable.
 */
const HEAP_SNAPSHOTS = process.env.SOAK_HEAP_SNAPSHOTS === '1'
/** SOAK_LARGE_UPLOAD=0 skips the 200 MB upload at the end (about a minute on a quiet machine). */
const LARGE_UPLOAD = process.env.SOAK_LARGE_UPLOAD !== '0'
const OUT = path.join(projectRoot, 'bench', 'out', 'soak.json')
const BASELINE = process.env.SOAK_BASELINE ?? OUT
/**
 * Remote batches (issue 18: the sync's cost under load): an `openai` connection to a fake OpenAI Batch API in its own
 * process (tests/support/fake-openai.ts), and this many batches created on it as the load starts, each finishing at its
 * own moment of the load so that retrieves, result-file copies and results indexing all happen under load. The
 * server's sync runs at its default interval (10 s), what users get. SOAK_REMOTE_BATCHES=0: none (an A/B run).
 */
const REMOTE_BATCHES = Number(process.env.SOAK_REMOTE_BATCHES ?? 10)
const REMOTE_LINES = 3_000
/** The i-th remote batch runs from 15 % to 75 % of the load: the last one ends with a sync interval or two to spare. */
const remoteRunMs = (index: number) => Math.round(SECONDS * 1000 * (0.15 + (0.6 * index) / Math.max(1, REMOTE_BATCHES - 1)))
/** How often the soak reads the remote batches' state, and how long after the load it waits for the last to settle. */
const REMOTE_WATCH_MS = 2_000
const REMOTE_SETTLE_MS = 90_000
/** prom-client resets the event-loop delay histogram at each scrape: each sample is the p99 of one interval. */
const LAG_EVERY_MS = 5_000

type Json = Record<string, unknown>
/** What this run compares with from an earlier run's report (fields an older soak.json may lack are optional). */
type Baseline = { uploadMBps?: number; statusReads?: { load?: { p95?: number; p99?: number }; idle?: { p95?: number } }; commit?: string; at?: string }

function readBaseline(): Baseline | null {
  if (!existsSync(BASELINE)) return null
  try {
    return JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline
  } catch {
    return null
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ')
const lineOf = (tag: string, index: number) =>
  JSON.stringify({
    custom_id: `${tag}-${index}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'sim-chat', messages: [{ role: 'user', content: `${tag} question ${index}` }] },
  })
const fileText = (tag: string, lines: number) => Array.from({ length: lines }, (_, index) => lineOf(tag, index)).join('\n') + '\n'

function unwrap<T>(result: ActionResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`)
  return result.data
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

class Load {
  readonly latencies = new Map<string, number[]>()
  readonly errors: string[] = []
  uploads = 0
  uploadedBytes = 0
  /** Upload steps resent after a network error, as the browser's upload does (lib/queries/files.ts); not errors. */
  readonly retried: string[] = []

  record(route: string, ms: number) {
    const list = this.latencies.get(route) ?? []
    list.push(ms)
    this.latencies.set(route, list)
  }

  fail(what: string, error: unknown) {
    this.errors.push(`${what}: ${describe(error)}`.slice(0, 300))
  }
}

const describe = (error: unknown) => {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { code?: string; message?: string } | undefined
  return cause ? `${error.message} (${cause.code ?? ''} ${cause.message ?? ''})` : error.message
}

/** The browser resends an upload step that never got an answer (3 tries); a refusal from the server is final. */
async function asBrowserWould<T>(load: Load, what: string, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step()
    } catch (error) {
      if (attempt >= 3 || !(error instanceof TypeError)) throw error
      load.retried.push(`${what}: ${describe(error)}`)
      await sleep(500 * attempt)
    }
  }
}

type Actions = {
  files: ServerActions<'startFileUpload' | 'completeFileUpload'>
  batches: ServerActions<'createBatch'>
  cancel: ServerActions<'cancelBatch'>
}

function findActions(): Actions {
  const files = findServerActions(projectRoot, 'lib/actions/files.ts', ['startFileUpload', 'completeFileUpload'] as const)
  const batches = findServerActions(projectRoot, 'lib/actions/batches.ts', ['createBatch'] as const)
  const cancel = findServerActions(projectRoot, 'lib/actions/batches.ts', ['cancelBatch'] as const)
  if ('missing' in files) throw new Error(files.missing)
  if ('missing' in batches) throw new Error(batches.missing)
  if ('missing' in cancel) throw new Error(cancel.missing)
  return { files, batches, cancel }
}

/** The first-run setup, as the setup screen does it; returns the session cookie it set. */
async function setUp(server: AppServer): Promise<string> {
  const setup = findServerActions(projectRoot, 'lib/actions/auth.ts', ['setUpAdmin'] as const)
  if ('missing' in setup) throw new Error(setup.missing)
  let cookie = ''
  try {
    await callServerAction<ActionResult<null>>(server.baseUrl, setup.page, setup.ids.setUpAdmin, [{ password: PASSWORD, confirm: PASSWORD }], {
      onResponse: (response) => {
        const match = /batchboard_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')
        if (match) cookie = `batchboard_session=${match[1]}`
      },
    })
  } catch (error) {
    // Setting a cookie makes Next send the re-rendered page with the action's answer, and its client
    // components cannot be decoded outside a browser. The cookie is all this needs.
    if (!cookie) throw error
  }
  if (!cookie) throw new Error('the setup action set no session cookie')
  return cookie
}

async function uploadText(server: AppServer, actions: Actions, cookie: string, name: string, text: string, load = new Load()): Promise<string> {
  const call = <T>(action: 'startFileUpload' | 'completeFileUpload', args: unknown[]) =>
    asBrowserWould(load, action, () => callServerAction<ActionResult<T>>(server.baseUrl, actions.files.page, actions.files.ids[action], args, { cookie }))
  const bytes = Buffer.from(text)
  const start = unwrap(await call<UploadStart>('startFileUpload', [{ filename: name, bytes: bytes.length }]), 'startFileUpload')
  if (start.kind !== 'started') throw new Error('the server offered an earlier identical file')
  for (let offset = 0; offset < bytes.length; offset += start.chunkBytes) {
    const response = await asBrowserWould(load, 'chunk', () =>
      fetch(`${server.baseUrl}/api/uploads/${start.uploadId}?offset=${offset}`, {
        method: 'PUT',
        body: bytes.subarray(offset, offset + start.chunkBytes),
        headers: { 'content-type': 'application/octet-stream', cookie },
      }),
    )
    if (!response.ok) throw new Error(`chunk at ${offset}: ${response.status} ${await response.text()}`)
  }
  return unwrap(await call<UploadResult>('completeFileUpload', [{ uploadId: start.uploadId }]), 'completeFileUpload').file.id
}

async function timedGet(server: AppServer, cookie: string, load: Load, route: string, url: string): Promise<Json | null> {
  const started = performance.now()
  try {
    const response = await fetch(`${server.baseUrl}${url}`, { headers: { cookie, accept: 'application/json' } })
    const body = (await response.json()) as Json
    load.record(route, performance.now() - started)
    if (!response.ok) load.fail(`GET ${url}`, `${response.status} ${JSON.stringify(body).slice(0, 200)}`)
    return body
  } catch (error) {
    load.fail(`GET ${url}`, error)
    return null
  }
}

/** The samples of the server's /metrics, by series (`name` or `name{labels}`); null if it did not answer. */
async function scrape(server: AppServer, cookie: string): Promise<Map<string, number> | null> {
  try {
    const text = await (await fetch(`${server.baseUrl}/metrics`, { headers: { cookie } })).text()
    const samples = new Map<string, number>()
    for (const line of text.split('\n')) {
      const space = line.lastIndexOf(' ')
      if (space > 0 && !line.startsWith('#')) samples.set(line.slice(0, space), Number(line.slice(space + 1)))
    }
    return samples
  } catch {
    return null
  }
}

/** nodejs_eventloop_lag_p99_seconds in ms: prom-client's p99 since the previous scrape, which resets it. */
const lagP99Ms = (samples: Map<string, number> | null) => {
  const seconds = samples?.get('nodejs_eventloop_lag_p99_seconds')
  return seconds === undefined ? null : seconds * 1000
}

const DELAY_BUCKET = /^batchboard_eventloop_delay_seconds_bucket\{le="([^"]+)"\}$/

/**
 * The q-quantile in ms of the event-loop delays the server observed between two scrapes, from the cumulative
 * batchboard_eventloop_delay_seconds histogram, interpolated within its bucket as Prometheus' histogram_quantile does.
 */
function delayQuantileMs(before: Map<string, number> | null, after: Map<string, number> | null, q: number): number | null {
  if (!before || !after) return null
  const buckets = [...after]
    .flatMap(([series, count]) => {
      const bound = DELAY_BUCKET.exec(series)?.[1]
      return bound === undefined ? [] : [{ le: bound === '+Inf' ? Infinity : Number(bound), count: count - (before.get(series) ?? 0) }]
    })
    .sort((a, b) => a.le - b.le)
  const total = buckets.at(-1)?.count ?? 0
  if (total <= 0) return null
  const rank = q * total
  let lower = { le: 0, count: 0 }
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower.le * 1000
      return (lower.le + ((bucket.le - lower.le) * (rank - lower.count)) / Math.max(1, bucket.count - lower.count)) * 1000
    }
    lower = bucket
  }
  return null
}

type Memory = {
  /** RSS of every process `npm start` runs, summed: the figure issue 18's targets are set in. */
  rssMB: number
  /** The same processes' PSS: shared pages (the node binary npm and the server both map) counted once. */
  pssMB: number
  processes: { command: string; rssMB: number; pssMB: number | null }[]
  /** The server's own account (prom-client's default metrics): V8 heap used and held, memory outside it, worker threads. */
  server: { heapUsedMB: number | null; heapTotalMB: number | null; externalMB: number | null; workerThreads: number | null }
  /** Where the server's RSS is (/proc/<pid>/smaps), in MB: file-backed, anonymous, malloc's arenas. */
  serverMap: MemoryMap | null
}

async function memoryNow(server: AppServer, cookie: string): Promise<Memory> {
  const processes = server
    .treeProcesses()
    .map((process) => ({ command: process.command, rssMB: process.rss / MB, pssMB: nullableMB(procPssBytes(process.pid)) }))
  const samples = await scrape(server, cookie)
  const sampleMB = (name: string) => nullableMB(samples?.get(name) ?? null)
  return {
    rssMB: processes.reduce((sum, process) => sum + process.rssMB, 0),
    pssMB: processes.reduce((sum, process) => sum + (process.pssMB ?? 0), 0),
    processes,
    server: {
      heapUsedMB: sampleMB('nodejs_heap_size_used_bytes'),
      heapTotalMB: sampleMB('nodejs_heap_size_total_bytes'),
      externalMB: sampleMB('nodejs_external_memory_bytes'),
      workerThreads: samples?.get('batchboard_worker_pool_threads') ?? null,
    },
    serverMap: inMB(procMemoryMap(server.serverPid)),
  }
}

function inMB(map: MemoryMap | null): MemoryMap | null {
  return (
    map && { ...map, file: map.file / MB, anon: map.anon / MB, mainArena: map.mainArena / MB, otherArenas: map.otherArenas / MB, otherAnon: map.otherAnon / MB }
  )
}

/** With SOAK_HEAP_SNAPSHOTS=1: asks the server for a heap snapshot and gives it time to write it (it pauses the server). */
async function heapSnapshot(server: AppServer) {
  if (!HEAP_SNAPSHOTS) return
  process.kill(server.serverPid, 'SIGUSR2')
  await sleep(20_000)
}

const nullableMB = (bytes: number | null) => (bytes === null ? null : bytes / MB)

const summarize = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b)
  return { count: list.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) }
}

/**
 * `pollers` readers, each reading a batch's status about once a second (every fifth read the list), until `running()`
 * is false. Each waits a random 0.5–1.5 s between reads, as tabs opened at different times and throttled differently
 * do, so reads arrive at random moments rather than in step.
 */
function poll(server: AppServer, cookie: string, load: Load, batchIds: string[], running: () => boolean) {
  return Array.from({ length: POLLERS }, async (_, index) => {
    await sleep(Math.random() * POLL_EVERY_MS)
    for (let round = 0; running(); round++) {
      const id = batchIds[(index + round) % batchIds.length]!
      // The batch page polls its batch; every fifth poll is the list page's.
      if (round % 5 === 4) await timedGet(server, cookie, load, 'GET /api/batches', '/api/batches?limit=50')
      else await timedGet(server, cookie, load, 'GET /api/batches/{id}', `/api/batches/${id}`)
      await sleep(POLL_EVERY_MS * (0.5 + Math.random()))
    }
  })
}

type RemoteSetup = { fake: FakeOpenAIProcess; connectionId: string; fileIds: string[] }
type RemoteOutcome = { created: number; done: number; doneAtSecond: number[]; syncErrors: string[] }

/** Before the load: the fake provider, the connection (through the app's own action, as the form does) and the input files. */
async function prepareRemoteBatches(server: AppServer, actions: Actions, cookie: string): Promise<RemoteSetup | null> {
  if (REMOTE_BATCHES <= 0) return null
  const fake = await startFakeOpenAIProcess(Array.from({ length: REMOTE_BATCHES }, (_, index) => remoteRunMs(index)))
  try {
    const save = findServerActions(projectRoot, 'lib/actions/connections.ts', ['saveConnection'] as const)
    if ('missing' in save) throw new Error(save.missing)
    const connection = { kind: 'openai', name: 'Soak fake OpenAI', baseUrl: `${fake.baseURL}/v1`, apiKey: fake.apiKey }
    const saved = unwrap(
      await callServerAction<ActionResult<{ id: string }>>(server.baseUrl, save.page, save.ids.saveConnection, [connection], { cookie }),
      'saveConnection',
    )
    const fileIds: string[] = []
    for (let index = 0; index < REMOTE_BATCHES; index++)
      fileIds.push(await uploadText(server, actions, cookie, `soak-remote-${index}.jsonl`, fileText(`remote${index}`, REMOTE_LINES)))
    return { fake, connectionId: saved.id, fileIds }
  } catch (error) {
    fake.stop()
    throw error
  }
}

/** A remote batch is done once it has ended and its output and error files are copied here. */
const remoteSettled = (batch: Json | null) => {
  const copied = (ref: unknown) => ref === null || (typeof ref === 'object' && ref !== null && typeof (ref as Json).id === 'string')
  return typeof batch?.status === 'string' && isTerminal(parseBatchStatus(batch.status)) && copied(batch.outputFile) && copied(batch.errorFile)
}

/**
 * As the load starts: the remote batches created through the createBatch action (the server uploads each file to the
 * provider and creates the batch), then read every REMOTE_WATCH_MS until all have settled (at most REMOTE_SETTLE_MS
 * after `deadline`). A sync error seen on any of them, or one that never settles, is an error of the soak.
 */
async function runRemoteBatches(
  server: AppServer,
  actions: Actions,
  cookie: string,
  remote: RemoteSetup,
  load: Load,
  started: number,
  deadline: number,
): Promise<RemoteOutcome> {
  const ids: string[] = []
  for (const [index, fileId] of remote.fileIds.entries()) {
    const input = { fileId, connectionId: remote.connectionId, completionWindow: '24h', description: `soak remote ${index}`, metadata: [] }
    try {
      const created = await callServerAction<ActionResult<{ id: string }>>(server.baseUrl, actions.batches.page, actions.batches.ids.createBatch, [input], {
        cookie,
      })
      ids.push(unwrap(created, 'createBatch').id)
    } catch (error) {
      load.fail(`remote createBatch ${index}`, error)
    }
  }
  const watch = new Load()
  const syncErrors = new Set<string>()
  const doneAt = new Map<string, number>()
  while (doneAt.size < ids.length && Date.now() < deadline + REMOTE_SETTLE_MS) {
    for (const id of ids) {
      if (doneAt.has(id)) continue
      const batch = await timedGet(server, cookie, watch, 'remote', `/api/batches/${id}`)
      if (typeof batch?.syncError === 'string') syncErrors.add(`${id}: ${batch.syncError}`)
      if (remoteSettled(batch)) doneAt.set(id, Math.round((Date.now() - started) / 1000))
    }
    await sleep(REMOTE_WATCH_MS)
  }
  for (const error of watch.errors) load.fail('remote watch', error)
  for (const error of syncErrors) load.fail('remote sync', error)
  for (const id of ids) if (!doneAt.has(id)) load.fail('remote batch', `${id} had not settled ${REMOTE_SETTLE_MS / 1000} s after the load`)
  return { created: ids.length, done: doneAt.size, doneAtSecond: [...doneAt.values()].sort((a, b) => a - b), syncErrors: [...syncErrors] }
}

function serverNodeOptions(): { NODE_OPTIONS?: string } {
  const options = [process.env.SOAK_SERVER_NODE_OPTIONS, HEAP_SNAPSHOTS ? '--heapsnapshot-signal=SIGUSR2' : undefined].filter(Boolean).join(' ')
  return options ? { NODE_OPTIONS: options } : {}
}

async function main() {
  if (!(await ensureBuild())) throw new Error('`next build` of the current source failed')
  const dir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-soak-'))
  const server = await startAppServer({
    projectRoot,
    port: PORT,
    dataDir: path.join(dir, 'data'),
    // SOAK_SERVER_NODE_OPTIONS: node options for the server alone, e.g. `--require` of a CPU profiler.
    env: { BATCHBOARD_AUTH: 'on', ...SIMULATOR, ...serverNodeOptions() },
  })
  const workers: Awaited<ReturnType<typeof startWorker>>[] = []
  let remote: RemoteSetup | null = null
  const load = new Load()
  const rss: { second: number; mb: number }[] = []
  const rssNow = () => (procStatusBytes(server.serverPid, 'VmRSS') ?? 0) / MB
  try {
    for (let index = 0; index < WORKERS; index++) workers.push(await startWorker({ DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', ...SIMULATOR }))
    const cookie = await setUp(server)
    const actions = findActions()
    // At rest: the server up and set up, its first page loaded (as a browser's first visit), nothing running, nothing
    // uploaded yet (no worker thread started), then REST_SECONDS of nothing.
    await fetch(`${server.baseUrl}/`, { headers: { cookie } }).then((response) => response.text())
    await timedGet(server, cookie, new Load(), 'warm', '/api/batches?limit=50')
    await sleep(REST_SECONDS * 1000)
    const rest = await memoryNow(server, cookie)
    await heapSnapshot(server)
    const loadAtStart = loadAverage()

    // Idle reads: a small finished batch, polled by the pollers alone.
    const idleFile = await uploadText(server, actions, cookie, 'soak-idle.jsonl', fileText('idle', 3))
    const idleBatch = unwrap(
      await callServerAction<ActionResult<{ id: string }>>(
        server.baseUrl,
        actions.batches.page,
        actions.batches.ids.createBatch,
        [{ fileId: idleFile, connectionId: 'builtin', completionWindow: '24h', description: 'soak idle', metadata: [] }],
        { cookie },
      ),
      'createBatch',
    ).id
    for (let tries = 0; tries < 120; tries++) {
      const batch = await timedGet(server, cookie, new Load(), 'wait', `/api/batches/${idleBatch}`)
      if (batch?.status === 'completed') break
      await sleep(500)
    }
    const idle = new Load()
    const idleLag: number[] = []
    const idleStart = await scrape(server, cookie)
    const idleEnd = Date.now() + IDLE_SECONDS * 1000
    await Promise.all([
      ...poll(server, cookie, idle, [idleBatch], () => Date.now() < idleEnd),
      (async () => {
        while (Date.now() < idleEnd) {
          await sleep(LAG_EVERY_MS)
          const lag = lagP99Ms(await scrape(server, cookie))
          if (lag !== null) idleLag.push(lag)
        }
      })(),
    ])
    const idleDelayP99 = delayQuantileMs(idleStart, await scrape(server, cookie), 0.99)
    for (const error of idle.errors) load.fail('idle', error)
    console.log(
      `Soak: ${SECONDS} s, ${UPLOADERS} uploaders, ${BATCHES} batches of ${LINES_PER_BATCH} lines (server + ${WORKERS} workers), ${POLLERS} pollers, on ${server.baseUrl}`,
    )

    const batchIds: string[] = []
    for (let index = 0; index < BATCHES; index++) {
      const fileId = await uploadText(server, actions, cookie, `soak-batch-${index}.jsonl`, fileText(`batch${index}`, LINES_PER_BATCH))
      const created = await callServerAction<ActionResult<{ id: string }>>(
        server.baseUrl,
        actions.batches.page,
        actions.batches.ids.createBatch,
        [{ fileId, connectionId: 'builtin', completionWindow: '24h', description: `soak ${index}`, metadata: [] }],
        { cookie },
      )
      batchIds.push(unwrap(created, 'createBatch').id)
    }
    remote = await prepareRemoteBatches(server, actions, cookie)
    // Warm every route once, so "before" is the server with its code loaded, not a cold process.
    await timedGet(server, cookie, new Load(), 'warm', `/api/batches/${batchIds[0]}`)
    await timedGet(server, cookie, new Load(), 'warm', '/api/batches?limit=50')
    await sleep(2_000)
    const rssBefore = rssNow()
    const started = Date.now()
    const deadline = started + SECONDS * 1000
    const running = () => Date.now() < deadline

    const remoteRun = remote && runRemoteBatches(server, actions, cookie, remote, load, started, deadline)
    const lag: number[] = []
    const loadStart = await scrape(server, cookie)
    const sampler = (async () => {
      while (running()) {
        rss.push({ second: Math.round((Date.now() - started) / 1000), mb: rssNow() })
        await sleep(LAG_EVERY_MS)
        const p99 = lagP99Ms(await scrape(server, cookie))
        if (p99 !== null) lag.push(p99)
      }
    })()
    const pollers = poll(server, cookie, load, batchIds, running)
    const uploaders = Array.from({ length: UPLOADERS }, async (_, index) => {
      for (let round = 0; running(); round++) {
        const text = fileText(`upload${index}r${round}`, UPLOAD_LINES)
        try {
          await uploadText(server, actions, cookie, `soak-upload-${index}-${round}.jsonl`, text, load)
          load.uploads++
          load.uploadedBytes += Buffer.byteLength(text)
        } catch (error) {
          load.fail(`upload ${index}/${round}`, error)
        }
      }
    })
    await Promise.all([sampler, ...pollers, ...uploaders])
    const loadEnded = Date.now()
    const loadDelayP99 = delayQuantileMs(loadStart, await scrape(server, cookie), 0.99)
    const seconds = (loadEnded - started) / 1000
    const remoteOutcome = remoteRun && { ...(await remoteRun), provider: await remote!.fake.stats() }
    const final = await Promise.all(batchIds.map((id) => timedGet(server, cookie, new Load(), 'final', `/api/batches/${id}`)))
    // The batches are sized to outlast the load: cancel them, so "after the soak" is the server with nothing to do.
    for (const [index, id] of batchIds.entries()) {
      const status = final[index]?.status
      if (typeof status === 'string' && isTerminal(parseBatchStatus(status))) continue
      const cancelled = await callServerAction<ActionResult<unknown>>(server.baseUrl, actions.cancel.page, actions.cancel.ids.cancelBatch, [{ batchId: id }], {
        cookie,
      }).catch((error: unknown) => ({ ok: false, error: describe(error) }) as const)
      if (!cancelled.ok) load.fail(`cancel ${id}`, JSON.stringify(cancelled.error))
    }
    await sleep(5_000)
    const rssAfter = rssNow()
    const afterSoak = await memoryNow(server, cookie)
    const loadAtEnd = loadAverage()
    // Worker threads stop after WORKER_IDLE_MS without a task; the last task ended with the last upload.
    await sleep(Math.max(0, loadEnded + AFTER_IDLE_MS - Date.now()))
    const afterIdle = await memoryNow(server, cookie)
    await heapSnapshot(server)

    // OpenAI's largest batch file, uploaded once the server has settled: the server's peak RSS growth meanwhile.
    let largeUpload: { MB: number; seconds: number; rssGrowthMB: number; rssBeforeMB: number } | null = null
    if (LARGE_UPLOAD) {
      const file = path.join(dir, 'soak-200mb.jsonl')
      const { bytes, lines } = writeChatFile(file, { ...LARGE_FILE, seed: 18 })
      try {
        const result = await uploadLargeFile(server, actions.files, file, lines, cookie)
        largeUpload = { MB: bytes / MB, seconds: result.seconds, rssGrowthMB: result.rssGrowth / MB, rssBeforeMB: result.rssBefore / MB }
      } catch (error) {
        load.fail('200 MB upload', error)
      }
      rmSync(file, { force: true })
    }
    const linesDone = final.reduce((sum, batch) => {
      const counts = (batch?.requestCounts ?? {}) as { completed?: number; failed?: number }
      return sum + (counts.completed ?? 0) + (counts.failed ?? 0)
    }, 0)
    const statuses = final.map((batch) => String(batch?.status))
    const workerErrors = workers.map((worker) => worker.stderrText()).join('')
    if (/locked|SQLITE_BUSY/i.test(workerErrors)) load.fail('worker log', workerErrors.slice(0, 300))

    const third = Math.max(1, Math.floor(rss.length / 3))
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length)
    const early = mean(rss.slice(0, third).map((sample) => sample.mb))
    const late = mean(rss.slice(-third).map((sample) => sample.mb))
    const requests = [...load.latencies.values()].reduce((sum, list) => sum + list.length, 0)
    const baseline = readBaseline()
    const report = {
      commit: commit(),
      at: new Date().toISOString(),
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      seconds,
      requests,
      errors: load.errors.length,
      firstErrors: load.errors.slice(0, 10),
      uploadStepsResent: load.retried.length,
      firstResent: load.retried.slice(0, 10),
      idleRoutes: Object.fromEntries([...idle.latencies].map(([route, list]) => [route, summarize(list)])),
      routes: Object.fromEntries([...load.latencies].map(([route, list]) => [route, summarize(list)])),
      statusReads: { idle: summarize([...idle.latencies.values()].flat()), load: summarize([...load.latencies.values()].flat()) },
      eventLoopLagP99Ms: { idle: summarize(idleLag), load: summarize(lag), samples: lag, wholeIdle: idleDelayP99, wholeLoad: loadDelayP99 },
      restSeconds: REST_SECONDS,
      restRssMB: rest.rssMB,
      rest,
      afterSoakRssMB: afterIdle.rssMB,
      afterSoak: { rightAfter: afterSoak, afterWorkerIdle: afterIdle, afterWorkerIdleSeconds: AFTER_IDLE_MS / 1000 },
      largeUpload,
      targets: TARGETS,
      baseline: baseline && {
        file: BASELINE,
        commit: baseline.commit ?? null,
        uploadMBps: baseline.uploadMBps ?? null,
        statusReads: baseline.statusReads ?? null,
      },
      uploads: load.uploads,
      uploadMBps: load.uploadedBytes / MB / seconds,
      batchLinesDone: linesDone,
      batchStatuses: statuses,
      remoteBatches: remoteOutcome,
      rss: {
        beforeMB: rssBefore,
        afterMB: rssAfter,
        peakMB: Math.max(...rss.map((sample) => sample.mb)),
        firstThirdMB: early,
        lastThirdMB: late,
        samples: rss,
      },
    }
    mkdirSync(path.dirname(OUT), { recursive: true })
    writeFileSync(OUT, JSON.stringify(report, null, 2))

    const earlier = (value: number | undefined, unit: string) =>
      baseline && value !== undefined ? `; earlier run${baseline.commit ? ` (${baseline.commit})` : ''}: ${fixed(value, 1)} ${unit}` : ''
    console.log(`\n| What | Figure |\n|---|---|`)
    console.log(
      `| Machine | ${os.cpus().length} cores, load average ${loadAtStart} at rest, ${loadAtEnd} after the load (1, 5, 15 min); commit ${report.commit} |`,
    )
    console.log(`| Duration | ${fixed(seconds)} s, ${fixed(requests)} status requests, ${report.uploads} uploads |`)
    const uploadVerdict =
      baseline?.uploadMBps === undefined ? '' : report.uploadMBps >= baseline.uploadMBps ? ' (at least the earlier run: met)' : ' (below the earlier run)'
    console.log(`| Upload throughput (${UPLOADERS} uploaders) | ${fixed(report.uploadMBps, 1)} MB/s${uploadVerdict}${earlier(baseline?.uploadMBps, 'MB/s')} |`)
    console.log(`| Errors | ${report.errors} (target 0); ${report.uploadStepsResent} upload steps resent after a network error, as the browser does |`)
    const figures = (f: ReturnType<typeof summarize>) =>
      `p50 ${fixed(f.p50, 1)} ms, p95 ${fixed(f.p95, 1)} ms, p99 ${fixed(f.p99, 1)} ms (${fixed(f.count)} requests)`
    for (const [route, idleFigures] of Object.entries(report.idleRoutes))
      console.log(`| Idle (${IDLE_SECONDS} s, pollers alone): ${route} | ${figures(idleFigures)} |`)
    for (const [route, loadFigures] of Object.entries(report.routes)) console.log(`| Under load: ${route} | ${figures(loadFigures)} |`)
    const { idle: idleReads, load: loadReads } = report.statusReads
    const ratio = (a: number, b: number) => (b > 0 ? `${fixed(a / b, 1)}×` : 'n/a')
    const verdict = (value: number, target: number) => (value <= target ? `≤ ${target}: met` : `> ${target}: NOT met`)
    console.log(
      `| Status reads at idle (${POLLERS} pollers, ~1/s each at random moments) | p95 ${fixed(idleReads.p95, 1)} ms (${verdict(idleReads.p95, TARGETS.idleStatusP95Ms)})${earlier(baseline?.statusReads?.idle?.p95, 'ms')} |`,
    )
    console.log(
      `| Status reads, load ÷ idle | p95 ${ratio(loadReads.p95, idleReads.p95)}, p99 ${ratio(loadReads.p99, idleReads.p99)}; under load p95 ${fixed(loadReads.p95, 1)} ms (${verdict(loadReads.p95, TARGETS.statusP95Ms)})${earlier(baseline?.statusReads?.load?.p95, 'ms')}, p99 ${fixed(loadReads.p99, 1)} ms (${verdict(loadReads.p99, TARGETS.statusP99Ms)})${earlier(baseline?.statusReads?.load?.p99, 'ms')} |`,
    )
    const lagFigures = report.eventLoopLagP99Ms
    console.log(
      `| Event-loop lag p99 over the load (server /metrics, batchboard_eventloop_delay_seconds) | ${lagFigures.wholeLoad === null ? 'not reported' : `${fixed(lagFigures.wholeLoad, 1)} ms (${verdict(lagFigures.wholeLoad, TARGETS.eventLoopLagP99Ms)})`}; idle: ${lagFigures.wholeIdle === null ? 'not reported' : `${fixed(lagFigures.wholeIdle, 1)} ms`} |`,
    )
    console.log(
      `| Event-loop lag p99 per ${LAG_EVERY_MS / 1000} s window (nodejs_eventloop_lag_p99_seconds) | idle: worst ${fixed(lagFigures.idle.max ?? NaN, 1)} ms; load: median ${fixed(lagFigures.load.p50, 1)} ms, worst ${fixed(lagFigures.load.max ?? NaN, 1)} ms, ${lag.filter((p99) => p99 > TARGETS.eventLoopLagP99Ms).length} of ${lag.length} windows over ${TARGETS.eventLoopLagP99Ms} ms |`,
    )
    const memory = (m: Memory, target: number) => {
      const each = m.processes.map((process) => `${process.command} ${fixed(process.rssMB)}`).join(' + ')
      const own = m.server
      const account =
        own.heapUsedMB === null
          ? ''
          : `; server: V8 heap ${fixed(own.heapUsedMB)} MB used of ${fixed(own.heapTotalMB ?? NaN)}, external ${fixed(own.externalMB ?? NaN)} MB, ${own.workerThreads ?? '?'} worker threads`
      const map = m.serverMap
      const where = map
        ? `; server RSS ${fixed(map.file)} MB file-backed + ${fixed(map.anon)} MB anonymous (malloc: main arena ${fixed(map.mainArena)} MB, ${map.arenaCount} other arenas ${fixed(map.otherArenas)} MB; other anonymous ${fixed(map.otherAnon)} MB)`
        : ''
      return `${fixed(m.rssMB)} MB RSS (${verdict(m.rssMB, target)}): ${each}; PSS ${fixed(m.pssMB)} MB${account}${where}`
    }
    console.log(`| At rest (${REST_SECONDS} s after the first page), every process of npm start | ${memory(rest, TARGETS.restRssMB)} |`)
    console.log(`| Right after the soak (5 s, batches cancelled) | ${memory(afterSoak, TARGETS.afterSoakRssMB)} |`)
    console.log(
      `| After the soak, ${AFTER_IDLE_MS / 1000} s after the load (worker threads' ${WORKER_IDLE_MS / 1000} s idle timeout passed) | ${memory(afterIdle, TARGETS.afterSoakRssMB)} |`,
    )
    if (largeUpload) {
      console.log(
        `| 200 MB upload after the soak (${fixed(largeUpload.MB)} MB, ${fixed(LARGE_FILE.lines)} lines) | server peak RSS growth +${fixed(largeUpload.rssGrowthMB)} MB over ${fixed(largeUpload.rssBeforeMB)} MB (${largeUpload.rssGrowthMB < TARGETS.largeUploadRssGrowthMB ? `< ${TARGETS.largeUploadRssGrowthMB}: met` : `≥ ${TARGETS.largeUploadRssGrowthMB}: NOT met`}; includes starting a worker thread and its tokenizer), ${fixed(largeUpload.seconds, 1)} s |`,
      )
    }
    const byStatus = [...new Set(statuses)].map((status) => `${statuses.filter((other) => other === status).length} ${status}`)
    console.log(`| Batches | ${fixed(linesDone)} of ${fixed(BATCHES * LINES_PER_BATCH)} lines run; ${byStatus.join(', ')} at the end |`)
    if (remoteOutcome) {
      const { provider } = remoteOutcome
      const calls = `${provider.calls.upload} uploads, ${provider.calls.create} creates, ${provider.calls.retrieve} retrieves, ${provider.calls.content} downloads`
      console.log(
        `| Remote batches (${REMOTE_BATCHES} × ${fixed(REMOTE_LINES)} lines, openai connection to a fake OpenAI in its own process, default sync interval) | ${remoteOutcome.done} of ${remoteOutcome.created} completed with their files copied (at s ${remoteOutcome.doneAtSecond.join(', ')} of the load); provider calls: ${calls}; ${provider.filesServed} files, ${fixed(provider.bytesServed / MB, 1)} MB copied; ${remoteOutcome.syncErrors.length} sync errors; the provider process used ${fixed(provider.cpuMs / 1000, 1)} s of CPU |`,
      )
    }
    console.log(
      `| Server RSS | ${fixed(rssBefore)} MB before, ${fixed(report.rss.peakMB)} MB peak, ${fixed(rssAfter)} MB after; mean of first third ${fixed(early)} MB, last third ${fixed(late)} MB |`,
    )
    if (report.errors) console.log(`\nFirst errors:\n${report.firstErrors.join('\n')}\n\nThe server's log, last lines:\n${server.outputTail()}`)
    if (report.uploadStepsResent) console.log(`\nResent:\n${report.firstResent.join('\n')}`)
    process.exitCode = report.errors === 0 ? 0 : 1
  } finally {
    for (const worker of workers) worker.kill('SIGTERM')
    remote?.fake.stop()
    await Promise.all(workers.map(exited))
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
