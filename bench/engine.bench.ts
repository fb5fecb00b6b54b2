// The engine's overhead: 50,000 chat lines through the engine against the simulator, versus autocannon sending the
// same requests to the same simulator at the same concurrency, in the same run. The simulator runs in its own
// process; the engine runs in a child with the react-server condition, as `npm run worker` does.
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
const BODY = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Summarise the benefits of batching in one sentence.' }],
  max_tokens: 50,
})

async function autocannonRate(url: string, connections: number): Promise<number> {
  const started = performance.now()
  await autocannon({ url: `${url}/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, connections, amount: LINES })
  return LINES / ((performance.now() - started) / 1000)
}

// Runs in the child: migrate a fresh data dir, store the file, create the batch, run the scheduler to completion.
// `liveResults`: whether the engine lists the batch's lines on its results page as they finish (the default).
const engineScript = (liveResults: boolean) => `
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
  const lines = []
  for (let i = 0; i < ${LINES}; i++) lines.push(JSON.stringify({ custom_id: 'r' + i, method: 'POST', url: '/v1/chat/completions', body: ${BODY} }))
  const temp = path.join(process.env.DATA_DIR, 'in.jsonl')
  writeFileSync(temp, lines.join('\\n') + '\\n')
  const { file } = await ingestFile(temp, { filename: 'in.jsonl', rejectInvalid: true, reuseDuplicate: false })
  // The production defaults: a faster scheduler poll would bill the engine for queries it does not make in use.
  await startEngine({ liveResults: ${liveResults} })
  const created = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
  let cpuAtStart = null
  // Rows listed while it ran: proof the live index worked during the run, not only after it.
  let liveRows = 0
  for (;;) {
    const b = await db.batch.findUnique({ where: { id: created.id } })
    if (b.status === 'in_progress' && !cpuAtStart) cpuAtStart = process.cpuUsage()
    if (b.status === 'in_progress') liveRows = Math.max(liveRows, await db.resultRow.count({ where: { batchId: created.id, status: 'succeeded' } }))
    if (b.status === 'completed') {
      const cpu = process.cpuUsage(cpuAtStart ?? undefined)
      console.log(JSON.stringify({ seconds: (b.completedAt - b.inProgressAt) / 1000, cpuMs: (cpu.user + cpu.system) / 1000, completed: b.requestCountCompleted, liveRows }))
      process.exit(0)
    }
    // The timing comes from the batch's own timestamps; polling faster only adds this loop's queries to the engine's CPU.
    await new Promise((r) => setTimeout(r, 250))
  }
})()
`

type EngineRun = { rate: number; cpuMsPerLine: number; completed: number; liveRows: number }

function engineRate(url: string, connections: number, liveResults = true): EngineRun {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'))
  try {
    const output = execFileSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', '-e', engineScript(liveResults)], {
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
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { seconds: number; cpuMs: number; completed: number; liveRows: number }
    return { rate: LINES / result.seconds, cpuMsPerLine: result.cpuMs / LINES, completed: result.completed, liveRows: result.liveRows }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * The live results index's cost (lines indexed on the results page while the batch runs; on by default): the same
 * batch through the engine with it off, and the ratio of the two rates. The run with it on must have listed rows
 * while it ran, or it measured nothing.
 */
function liveResultsRow(url: string, latencyMs: number, connections: number, on: EngineRun): BenchRow {
  const off = engineRate(url, connections, false)
  const ratio = on.rate / off.rate
  return {
    name: `live results index on vs. off at ${latencyMs} ms latency`,
    figure: `${ratio.toFixed(2)}× (on: ${Math.round(on.rate).toLocaleString('en-US')} lines/s, ${on.liveRows.toLocaleString('en-US')} rows listed while running)`,
    comparison: `off: ${Math.round(off.rate).toLocaleString('en-US')} lines/s`,
    target: '≥ 0.9×',
    met: ratio >= 0.9 && on.liveRows > 0 && off.completed === LINES && off.liveRows === 0,
  }
}

async function scenario(latencyMs: number, connections: number, target: number, compareLiveResults = false): Promise<BenchRow[]> {
  const simulator = await startSimulatorProcess(latencyMs)
  try {
    const direct = await autocannonRate(simulator.url, connections)
    const engine = engineRate(simulator.url, connections)
    const ratio = engine.rate / direct
    const live = compareLiveResults ? [liveResultsRow(simulator.url, latencyMs, connections, engine)] : []
    return [
      {
        name: `${LINES.toLocaleString('en-US')} lines at ${latencyMs} ms latency, concurrency ${connections}`,
        figure: `${Math.round(engine.rate).toLocaleString('en-US')} lines/s (${ratio.toFixed(2)}×)`,
        comparison: `autocannon straight to the simulator: ${Math.round(direct).toLocaleString('en-US')} req/s`,
        target: `≥ ${target}×`,
        met: ratio >= target && engine.completed === LINES,
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
    return [...(await scenario(0, 64, 0.8, true)), ...(await scenario(100, 256, 0.95))]
  },
} satisfies Bench
