// Engine throughput with 1 and with 2 `npm run worker` processes on PostgreSQL: 4 batches created over HTTP through
// `npm start` (BATCHBOARD_ENGINE=off, so only the workers run them) against the simulator answering in 100 ms.
//
// What bounds it. At 100 ms per answer a process's throughput is its requests in flight / 0.1 s until its CPU runs
// out. An upstream's maxConcurrency is shared by all processes on PostgreSQL (decision 051): with it at M, no number of
// workers gets past M / 0.1 s, so adding a worker only helps while that ceiling is above what one worker can do. The
// upstream here allows BENCH_WORKERS_MAX_CONCURRENCY (1,024: 10,240 lines/s) in flight, so the workers' own cost per
// line (parsing, recording, committing to the database) is what is compared. Each process runs at most 2 batches at
// once (BATCHBOARD_ENGINE_MAX_BATCHES=2), so 2 workers split the 4 batches 2 + 2 and one worker runs them 2 at a time:
// otherwise the first worker to hear of the batches could take all 4 and leave the second idle.
//
// Each run also reports where the CPU went while it was timed (/proc): the workers' CPU per line, the simulator's,
// PostgreSQL's, the app's, the bench's and the machine's idle share. On a 2-core machine everything shares both cores,
// so 2 workers can gain ≥ 1.6× only if one worker left most of a core idle.
import { spawn, type ChildProcess } from 'node:child_process'
import { createReadStream, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OpenAI from 'openai'
import type { AppServer } from './support/app-server'
import { projectRoot } from './support/child'
import { benchDatabase, postgresUnavailable, startAppOnPostgres, type BenchDatabase } from './support/postgres'
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator'
import type { Bench, BenchRow } from './types'
import { machineCpuSeconds, treeCpuSeconds } from './support/procs'
import { workerReady } from '@/tests/support/worker'

const BATCHES = 4
const LINES = Number(process.env.BENCH_WORKERS_LINES ?? 20_000)
const LATENCY_MS = 100
const MAX_CONCURRENCY = Number(process.env.BENCH_WORKERS_MAX_CONCURRENCY ?? 1024)
const TARGET = 1.6
const API_KEY = 'bench-workers-key-0123456789'
const BODY = { model: 'bench-model', messages: [{ role: 'user', content: 'Summarise the benefits of batching in one sentence.' }], max_tokens: 50 }

type Worker = { child: ChildProcess; stop(): Promise<void> }

/**
 * Node's options for the workers (BENCH_WORKERS_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` for a CPU profile
 * of each): given, each worker runs as `npm run worker`'s own command line with them (Node refuses --cpu-prof in NODE_OPTIONS).
 */
function workerCommand(): [string, string[]] {
  const extra = process.env.BENCH_WORKERS_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  if (extra.length === 0) return ['npm', ['run', 'worker', '--silent']]
  const script = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.worker
  const [node, ...args] = script?.split(' ') ?? []
  if (node !== 'node') throw new Error(`BENCH_WORKERS_NODE_ARGS needs a worker script that runs node, not: ${script}`)
  return [process.execPath, [...extra, ...args]]
}

/** `npm run worker` in a process group of its own, so stopping it stops npm and the worker under it. */
async function startWorker(database: BenchDatabase, env: Record<string, string>): Promise<Worker> {
  const [command, args] = workerCommand()
  const child = spawn(command, args, {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      ...env,
    },
  })
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await workerReady(child)
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      process.kill(-child.pid!, 'SIGTERM')
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    },
  }
}

/** CPU seconds used while a run was timed, by who used them. */
type CpuUse = { workers: number; simulator: number; postgres: number | null; app: number; bench: number; machine: { busy: number; idle: number } | null }

type Run = { rate: number; seconds: number; peakInFlight: number; completed: number; cpu: CpuUse }

/** A reading of every counter CpuUse is the difference of. */
function cpuNow(database: BenchDatabase, app: AppServer, simulator: SimulatorProcess, workers: Worker[]): CpuUse {
  const postgres = database.serverPid()
  return {
    workers: workers.reduce((sum, worker) => sum + treeCpuSeconds(worker.child.pid!), 0),
    simulator: treeCpuSeconds(simulator.pid),
    postgres: postgres === null ? null : treeCpuSeconds(postgres),
    app: treeCpuSeconds(app.serverPid),
    bench: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage()),
    machine: machineCpuSeconds(),
  }
}

function cpuSince(before: CpuUse, after: CpuUse): CpuUse {
  return {
    workers: after.workers - before.workers,
    simulator: after.simulator - before.simulator,
    postgres: after.postgres === null || before.postgres === null ? null : after.postgres - before.postgres,
    app: after.app - before.app,
    bench: after.bench - before.bench,
    machine: after.machine && before.machine ? { busy: after.machine.busy - before.machine.busy, idle: after.machine.idle - before.machine.idle } : null,
  }
}

/** One run: a fresh simulator, `workers` workers, 4 batches uploaded (untimed) then created and timed to completion. */
async function run(database: BenchDatabase, app: AppServer, workers: number, round: number): Promise<Run> {
  const simulator = await startSimulatorProcess(LATENCY_MS)
  const started: Worker[] = []
  try {
    const upstreams = JSON.stringify([{ name: 'bench', baseUrl: simulator.url, models: ['bench-*'], maxConcurrency: MAX_CONCURRENCY }])
    const env = { BATCHBOARD_UPSTREAMS: upstreams, BATCHBOARD_ENGINE_MAX_BATCHES: '2' }
    // One after the other: each seeds the upstream from BATCHBOARD_UPSTREAMS as it starts.
    for (let i = 0; i < workers; i++) started.push(await startWorker(database, env))
    const client = new OpenAI({ baseURL: `${app.baseUrl}/v1`, apiKey: API_KEY, maxRetries: 2 })
    const fileIds: string[] = []
    for (let b = 0; b < BATCHES; b++) {
      const input = path.join(database.dataDir, `workers-${round}-${b}.jsonl`)
      const lines = Array.from({ length: LINES }, (_, i) =>
        JSON.stringify({ custom_id: `r${b}-${i}`, method: 'POST', url: '/v1/chat/completions', body: BODY }),
      )
      writeFileSync(input, `${lines.join('\n')}\n`)
      fileIds.push((await client.files.create({ file: createReadStream(input), purpose: 'batch' })).id)
    }
    const cpuBefore = cpuNow(database, app, simulator, started)
    const t0 = performance.now()
    const ids = await Promise.all(
      fileIds.map(async (id) => (await client.batches.create({ input_file_id: id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id),
    )
    for (;;) {
      // One list request a look, not one per batch: the app's CPU shares the machine with the workers it measures.
      const listed = (await client.batches.list({ limit: 100 })).data
      const batches = ids.map((id) => {
        const batch = listed.find((candidate) => candidate.id === id)
        if (!batch) throw new Error(`batch ${id} is not in the batch list`)
        return batch
      })
      const failed = batches.find((batch) => ['failed', 'expired', 'cancelled'].includes(batch.status))
      if (failed) throw new Error(`batch ${failed.id} ended ${failed.status}`)
      if (batches.every((batch) => batch.status === 'completed')) {
        const seconds = (performance.now() - t0) / 1000
        const cpu = cpuSince(cpuBefore, cpuNow(database, app, simulator, started))
        const completed = batches.reduce((sum, batch) => sum + (batch.request_counts?.completed ?? 0), 0)
        return { rate: (BATCHES * LINES) / seconds, seconds, peakInFlight: (await simulator.stats()).peakInFlight, completed, cpu }
      }
      if (performance.now() - t0 > 30 * 60_000) throw new Error('the batches did not complete within 30 minutes')
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } finally {
    await Promise.all(started.map((worker) => worker.stop()))
    simulator.stop()
  }
}

const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} lines/s`

/** Where a run's CPU went: per line for each party, and the machine's idle share of all its cores over the run. */
function cpuFigure({ cpu, seconds }: Run, workers: number, lines: number): string {
  const perLine = (cpuSeconds: number) => `${((1000 * cpuSeconds) / lines).toFixed(3)} ms`
  const core = (cpuSeconds: number) => `${Math.round((100 * cpuSeconds) / seconds)}% of a core`
  const parts = [
    `workers ${perLine(cpu.workers)}/line (${workers === 1 ? core(cpu.workers) : `each ${core(cpu.workers / workers)}`})`,
    `simulator ${perLine(cpu.simulator)} (${core(cpu.simulator)})`,
    cpu.postgres === null ? 'PostgreSQL not measured (BENCH_POSTGRES_URL)' : `PostgreSQL ${perLine(cpu.postgres)} (${core(cpu.postgres)})`,
    `app ${perLine(cpu.app)}`,
    `bench ${perLine(cpu.bench)}`,
  ]
  if (cpu.machine) {
    const total = cpu.machine.busy + cpu.machine.idle
    parts.push(`machine ${Math.round((100 * cpu.machine.idle) / total)}% idle of ${os.cpus().length} cores`)
  }
  return parts.join('; ')
}

/**
 * The throughput this machine's cores could give at the 1-worker run's CPU per line (workers, simulator, PostgreSQL,
 * app and bench together), as a multiple of one worker: 2 workers cannot beat it, whatever the engine does, unless the
 * CPU per line drops. Other processes on the machine (its idle share says how busy it was) lower it further. When one
 * worker has a core to itself, that multiple is cores × w / (w + o), w being the worker's CPU per line and o the rest's:
 * on 2 cores, 1.6× needs o ≤ w / 4, so what the rest spends per line (PostgreSQL, the simulator, the app) is what counts.
 */
function coresAllow(one: Run, lines: number): string {
  const { cpu } = one
  const rest = cpu.simulator + (cpu.postgres ?? 0) + cpu.app + cpu.bench
  const perLine = (cpu.workers + rest) / lines
  const cores = os.cpus().length
  const most = cores / perLine
  const postgres = cpu.postgres === null ? ' (PostgreSQL not counted)' : ''
  return (
    `${perSecond(most)} on ${cores} cores at ${(1000 * perLine).toFixed(3)} ms of CPU per line${postgres}: at most ${(most / one.rate).toFixed(2)}× one worker; ` +
    `the rest spends ${(rest / cpu.workers).toFixed(2)} ms per ms of the worker's, so with one worker on a core of its own, ` +
    `${cores} cores allow 2 workers at most ${Math.min(2, (cores * cpu.workers) / (cpu.workers + rest)).toFixed(2)}× it`
  )
}

export default {
  name: 'workers',
  async run() {
    const unavailable = postgresUnavailable()
    if (unavailable) return [{ name: 'engine throughput, 1 vs 2 workers (PostgreSQL)', figure: unavailable }]
    const database = await benchDatabase('workers')
    let app: AppServer | null = null
    try {
      app = await startAppOnPostgres(database, { BATCHBOARD_ENGINE: 'off', BATCHBOARD_API_KEY: API_KEY })
      const one = await run(database, app, 1, 1)
      const two = await run(database, app, 2, 2)
      const ceiling = (MAX_CONCURRENCY * 1000) / LATENCY_MS
      const ratio = two.rate / one.rate
      const total = BATCHES * LINES
      const what = `${BATCHES} batches × ${LINES.toLocaleString('en-US')} lines at ${LATENCY_MS} ms latency`
      const rows: BenchRow[] = [
        {
          name: `1 worker: ${what}`,
          figure: `${perSecond(one.rate)} (${one.seconds.toFixed(1)} s)`,
          comparison: `peak ${one.peakInFlight} in flight at the upstream`,
        },
        {
          name: `2 workers: ${what}`,
          figure: `${perSecond(two.rate)} (${ratio.toFixed(2)}× one worker)`,
          comparison: `peak ${two.peakInFlight} in flight at the upstream (maxConcurrency ${MAX_CONCURRENCY}, shared)`,
          target: `≥ ${TARGET}×`,
          met: ratio >= TARGET && one.completed === total && two.completed === total,
        },
        { name: '1 worker: CPU while timed', figure: cpuFigure(one, 1, total) },
        { name: '2 workers: CPU while timed', figure: cpuFigure(two, 2, total) },
        {
          name: 'what bounds it',
          figure:
            `upstream ceiling ${MAX_CONCURRENCY} in flight / ${LATENCY_MS} ms = ${perSecond(ceiling)} for all workers together; ` +
            (one.rate > 0.8 * ceiling
              ? 'one worker already came near it, so this run measured the upstream limit, not the workers (raise BENCH_WORKERS_MAX_CONCURRENCY)'
              : `one worker reached ${Math.round((100 * one.rate) / ceiling)}% of it, so the workers' own cost per line is what is compared`),
        },
        { name: 'what the cores allow', figure: coresAllow(one, total) },
      ]
      return rows
    } finally {
      await app?.stop()
      await database.stop()
    }
  },
} satisfies Bench
