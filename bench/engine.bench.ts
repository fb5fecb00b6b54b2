// The engine's overhead: 50,000 chat lines through the engine against the simulator, versus autocannon sending the
// same requests to the same simulator at the same concurrency, in the same run. The simulator runs in its own
// process; the engine runs in a child with the react-server condition, as `npm run worker` does. The live results
// index's cost is measured at 100 ms latency, on a run long enough (20 s or more) that the Results page lists rows
// while it runs: the same batch with the index off, in the same run.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { startSimulatorProcess } from './support/simulator'
import type { Bench, BenchRow } from './types'

// autocannon ships no types (and @types/autocannon is not a dependency); this is the part used here.
type AutocannonOptions = { url: string; method: string; headers: Record<string, string>; body: string; connections: number; amount: number }
const autocannon = createRequire(import.meta.url)('autocannon') as (options: AutocannonOptions) => Promise<unknown>

const root = path.resolve(import.meta.dirname, '..')
const LINES = Number(process.env.BENCH_ENGINE_LINES ?? 50_000)
/** The live index comparison's run lasts at least this long at the simulator's full rate (BENCH_ENGINE_LIVE_SECONDS), so rows are listed during it. */
const LIVE_RUN_SECONDS = Number(process.env.BENCH_ENGINE_LIVE_SECONDS ?? 20)
const MAX_BATCH_LINES = 50_000
/** How often the child asks the Results page's query how many rows it lists; rarely, so the asking costs little. */
const LIST_EVERY_MS = 2_000
const BODY = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Summarise the benefits of batching in one sentence.' }],
  max_tokens: 50,
})

async function autocannonRate(url: string, connections: number, lines: number): Promise<number> {
  const started = performance.now()
  await autocannon({ url: `${url}/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, connections, amount: lines })
  return lines / ((performance.now() - started) / 1000)
}

// Runs in the child: migrate a fresh data dir, store the file, create the batch, run the scheduler to completion.
// `liveResults`: whether the engine lists the batch's lines on its results page as they finish (the default).
const engineScript = (lines: number, liveResults: boolean) => `
const { writeFileSync } = require('node:fs')
const path = require('node:path')
const load = async (file) => { const m = await import(file); return { ...(m.default ?? {}), ...m } }
void (async () => {
  const { loadEnv } = await load('${path.join(root, 'lib/config/env.ts')}')
  const { migrateDatabase } = await load('${path.join(root, 'lib/cli/migrate.ts')}')
  migrateDatabase(loadEnv(process.env))
  const { db } = await load('${path.join(root, 'lib/server/db/index.ts')}')
  const { ingestFile } = await load('${path.join(root, 'lib/server/files/ingest.ts')}')
  const { createEngineBatch, startEngine } = { ...(await load('${path.join(root, 'lib/server/engine/index.ts')}')), ...(await load('${path.join(root, 'lib/server/engine/start.ts')}')) }
  const { listResultPage } = await load('${path.join(root, 'lib/server/results/query.ts')}')
  const { resultPageQuery } = await load('${path.join(root, 'lib/validations/results.ts')}')
  const lines = []
  for (let i = 0; i < ${lines}; i++) lines.push(JSON.stringify({ custom_id: 'r' + i, method: 'POST', url: '/v1/chat/completions', body: ${BODY} }))
  const temp = path.join(process.env.DATA_DIR, 'in.jsonl')
  writeFileSync(temp, lines.join('\\n') + '\\n')
  const { file } = await ingestFile(temp, { filename: 'in.jsonl', rejectInvalid: true, reuseDuplicate: false })
  // The production defaults: a faster scheduler poll would bill the engine for queries it does not make in use.
  await startEngine({ liveResults: ${liveResults} })
  const created = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
  let cpuAtStart = null
  // Rows the Results page listed while it ran (its own query, answered rows only), and when: proof the live index
  // worked during the run, not only after it.
  let liveRows = 0
  let listedAt = null
  let listedAtLast = 0
  const answered = resultPageQuery.parse({ status: 'succeeded', limit: 1 })
  for (;;) {
    const b = await db.batch.findUnique({ where: { id: created.id } })
    if (b.status === 'in_progress' && !cpuAtStart) cpuAtStart = process.cpuUsage()
    if (b.status === 'in_progress' && Date.now() - listedAtLast >= ${LIST_EVERY_MS}) {
      listedAtLast = Date.now()
      const { total } = await listResultPage(created.id, answered)
      if (total > 0 && listedAt === null) listedAt = (Date.now() - b.inProgressAt) / 1000
      liveRows = Math.max(liveRows, total)
    }
    if (['failed', 'expired', 'cancelled'].includes(b.status)) {
      console.error('The bench batch ended ' + b.status + ': ' + JSON.stringify(b.errors))
      process.exit(1)
    }
    if (b.status === 'completed') {
      const cpu = process.cpuUsage(cpuAtStart ?? undefined)
      console.log(JSON.stringify({ seconds: (b.completedAt - b.inProgressAt) / 1000, cpuMs: (cpu.user + cpu.system) / 1000, completed: b.requestCountCompleted, liveRows, listedAt }))
      process.exit(0)
    }
    // The timing comes from the batch's own timestamps; polling faster only adds this loop's queries to the engine's CPU.
    await new Promise((r) => setTimeout(r, 250))
  }
})()
`

type EngineRun = { lines: number; seconds: number; rate: number; cpuMsPerLine: number; completed: number; liveRows: number; listedAt: number | null }

function engineRate(url: string, connections: number, lines: number, liveResults = true): EngineRun {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'))
  try {
    const output = execFileSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', '-e', engineScript(lines, liveResults)], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        BATCHBOARD_UPSTREAMS: JSON.stringify([{ name: 'bench', baseUrl: url, models: ['bench-*'], maxConcurrency: connections }]),
      },
    })
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
      seconds: number
      cpuMs: number
      completed: number
      liveRows: number
      listedAt: number | null
    }
    return { lines, ...result, rate: lines / result.seconds, cpuMsPerLine: result.cpuMs / lines }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const count = (value: number) => Math.round(value).toLocaleString('en-US')

/**
 * The live results index's cost (lines indexed on the results page while the batch runs; on by default): the same
 * batch through the engine with it off, and the ratio of the two rates. The run with it on must have listed rows
 * while it ran, or it measured nothing.
 */
function liveResultsRow(url: string, latencyMs: number, connections: number, on: EngineRun): BenchRow {
  const off = engineRate(url, connections, on.lines, false)
  const ratio = on.rate / off.rate
  const listed =
    on.listedAt === null
      ? 'no rows listed while running'
      : `Results listed ${count(on.liveRows)} rows while it ran (the first after ${on.listedAt.toFixed(1)} s of ${on.seconds.toFixed(1)} s)`
  return {
    name: `live results index on vs. off, ${count(on.lines)} lines at ${latencyMs} ms latency`,
    figure: `${ratio.toFixed(2)}× (on: ${count(on.rate)} lines/s; ${listed})`,
    comparison: `off: ${count(off.rate)} lines/s`,
    target: '≥ 0.9×',
    met: ratio >= 0.9 && on.liveRows > 0 && off.completed === on.lines && off.liveRows === 0,
  }
}

async function scenario(latencyMs: number, connections: number, target: number, compareLiveResults = false): Promise<BenchRow[]> {
  // The live comparison needs a run that lasts: at least LIVE_RUN_SECONDS at the simulator's full rate.
  // A batch holds at most 50,000 requests (OpenAI's limit, which the engine keeps): at 256 in flight and 100 ms that is
  // about 20 s, and the engine's own run takes longer.
  const lasting = Math.ceil((LIVE_RUN_SECONDS * connections * 1000) / Math.max(1, latencyMs))
  const lines = compareLiveResults ? Math.min(MAX_BATCH_LINES, Math.max(LINES, lasting)) : LINES
  const simulator = await startSimulatorProcess(latencyMs)
  try {
    const direct = await autocannonRate(simulator.url, connections, lines)
    const engine = engineRate(simulator.url, connections, lines)
    const ratio = engine.rate / direct
    const live = compareLiveResults ? [liveResultsRow(simulator.url, latencyMs, connections, engine)] : []
    return [
      {
        name: `${count(lines)} lines at ${latencyMs} ms latency, concurrency ${connections}`,
        figure: `${count(engine.rate)} lines/s (${ratio.toFixed(2)}×)`,
        comparison: `autocannon straight to the simulator: ${count(direct)} req/s`,
        target: `≥ ${target}×`,
        met: ratio >= target && engine.completed === lines,
      },
      { name: `engine CPU per line at ${latencyMs} ms`, figure: `${engine.cpuMsPerLine.toFixed(3)} ms` },
      ...live,
    ]
  } finally {
    simulator.stop()
  }
}

export default {
  name: 'engine',
  async run() {
    return [...(await scenario(0, 64, 0.8)), ...(await scenario(100, 256, 0.95, true))]
  },
} satisfies Bench
