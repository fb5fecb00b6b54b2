// Results explorer on a generated 50,000-line batch (mixed outcomes, shuffled output): index time, page and
// full-text search latency, and a streamed CSV export of every row. SQLite: through the real GET handlers in a child
// with the react-server condition (server modules import 'server-only'), on a fresh migrated database. PostgreSQL:
// over HTTP against `npm start` (bench/support/postgres.ts), as a user meets it; the same requests.
import { mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { writeResultFiles } from '../tests/support/result-files'
import type { AppServer } from './support/app-server'
import { ms, percentile, runServerScript } from './support/child'
import { benchDatabase, postgresUnavailable, sql, startAppOnPostgres, timedGet } from './support/postgres'
import type { Bench, BenchRow } from './types'

const root = path.resolve(import.meta.dirname, '..')
const LINES = Number(process.env.BENCH_RESULTS_LINES ?? 50_000)
const PAGE_TARGET_MS = 50
const SEARCH_TARGET_MS = 200

/** The results-page requests: offsets, filters and sorts, 200 rows each (evaluated in the SQLite child too). */
const PAGE_QUERIES = (i: number) =>
  [
    `?offset=${(i * 997) % LINES}&limit=200`,
    `?status=failed&limit=200&offset=${(i % 20) * 100}`,
    `?sort=tokens&order=desc&limit=200&offset=${(i % 50) * 200}`,
    '?sort=status&limit=200',
    '?errorCode=server_error&limit=200',
    `?status=succeeded,missing&limit=200&offset=${i * 300}`,
  ][i % 6]!
const SEARCH_WORDS = ['zebra', 'quokka', 'budgets report', 'section', 'quok', 'nothingmatches', 'req-4242', 'answer 31337']

const SCRIPT = `
const LINES = ${LINES}
void (async () => {
  const { db } = await migratedDb()
  const { indexBatchResults } = await load('${path.join(root, 'lib/server/results/index.ts')}')
  const { writeResultFiles } = await load('${path.join(root, 'tests/support/result-files.ts')}')
  const { GET: page } = await load('${path.join(root, 'app/api/batches/[batchId]/results/route.ts')}')
  const { GET: exportRoute } = await load('${path.join(root, 'app/api/batches/[batchId]/results/export/route.ts')}')
  const { NextRequest } = await load('next/server')
  const dir = path.join(process.env.DATA_DIR, 'files')
  fs.mkdirSync(dir, { recursive: true })
  const id = 'batch_bench_results'
  const paths = { input: path.join(dir, 'in.jsonl'), output: path.join(dir, 'out.jsonl'), error: path.join(dir, 'err.jsonl') }
  await writeResultFiles(${LINES}, paths)
  const file = (key, purpose) => ({ id: 'file-bench' + key, filename: key + '.jsonl', purpose, bytes: BigInt(fs.statSync(paths[key]).size), storagePath: path.relative(process.env.DATA_DIR, paths[key]) })
  await db.file.createMany({ data: [file('input', 'batch'), file('output', 'batch_output'), file('error', 'batch_output')] })
  await db.batch.create({ data: { id, connectionId: 'builtin', endpoint: '/v1/chat/completions', status: 'completed', requestCountTotal: ${LINES}, inputFileId: 'file-benchinput', outputFileId: 'file-benchoutput', errorFileId: 'file-bencherror' } })
  const bytes = Object.values(paths).reduce((sum, p) => sum + fs.statSync(p).size, 0)

  let started = performance.now()
  await indexBatchResults(id)
  const indexMs = performance.now() - started

  const call = async (handler, query) => {
    const t = performance.now()
    const response = await handler(new NextRequest(new URL('/api/batches/' + id + '/results' + query, 'http://127.0.0.1')), { params: Promise.resolve({ batchId: id }) })
    const body = await response.text()
    if (response.status !== 200) throw new Error(query + ' answered ' + response.status + ': ' + body.slice(0, 300))
    return { ms: performance.now() - t, body }
  }
  const pages = []
  const pageQueries = ${PAGE_QUERIES.toString()}
  for (let i = 0; i < 6; i++) await call(page, pageQueries(i))
  for (let i = 0; i < 200; i++) pages.push((await call(page, pageQueries(i))).ms)
  const searches = []
  const words = ${JSON.stringify(SEARCH_WORDS)}
  for (let i = 0; i < 120; i++) searches.push((await call(page, '?limit=200&q=' + encodeURIComponent(words[i % words.length]))).ms)

  started = performance.now()
  // This thread is the one that serves requests: what it spends on the export, other requests wait for.
  const idle = performance.eventLoopUtilization()
  const csv = await call(exportRoute, '/export?format=csv')
  const exportMs = performance.now() - started
  const exportBusyMs = performance.eventLoopUtilization(idle).active
  const rss = process.memoryUsage().rss
  console.log(JSON.stringify({ indexMs, pages, searches, exportMs, exportBusyMs, exportRows: csv.body.trimEnd().split('\\r\\n').length - 1, bytes, rss }))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

/** `exportBusyMs`: the request thread's busy time during the export; measured in-process (SQLite) only. */
type Measured = { indexMs: number; pages: number[]; searches: number[]; exportMs: number; exportBusyMs?: number; exportRows: number; bytes: number }

function rowsOf(r: Measured, database: string): BenchRow[] {
  const lines = LINES.toLocaleString('en-US')
  return [
    {
      name: `index ${lines} lines (input + shuffled output + errors, ${(r.bytes / 2 ** 20).toFixed(0)} MiB; ${database})`,
      figure: `${(r.indexMs / 1000).toFixed(2)} s`,
      comparison: `${Math.round(LINES / (r.indexMs / 1000)).toLocaleString('en-US')} lines/s`,
      target: '≤ 10 s',
      met: r.indexMs <= 10_000,
    },
    {
      name: `results page (200 rows; offsets, filters, sorts), ${r.pages.length} requests (${database})`,
      figure: `p50 ${ms(percentile(r.pages, 50))}, p95 ${ms(percentile(r.pages, 95))}`,
      target: `p95 ≤ ${PAGE_TARGET_MS} ms`,
      met: percentile(r.pages, 95) <= PAGE_TARGET_MS,
    },
    {
      name: `full-text search, ${r.searches.length} requests (${database})`,
      figure: `p50 ${ms(percentile(r.searches, 50))}, p95 ${ms(percentile(r.searches, 95))}`,
      target: `p95 ≤ ${SEARCH_TARGET_MS} ms`,
      met: percentile(r.searches, 95) <= SEARCH_TARGET_MS,
    },
    {
      name: `CSV export of ${r.exportRows.toLocaleString('en-US')} rows (streamed; ${database})`,
      figure: `${(r.exportMs / 1000).toFixed(2)} s`,
      comparison: `${Math.round(r.exportRows / (r.exportMs / 1000)).toLocaleString('en-US')} rows/s`,
    },
    ...(r.exportBusyMs === undefined
      ? []
      : [
          {
            name: `request thread busy during that export (the rest is the worker pool's; ${database})`,
            figure: `${(r.exportBusyMs / 1000).toFixed(2)} s`,
            comparison: `${Math.round((100 * r.exportBusyMs) / r.exportMs)}% of the export's time`,
          },
        ]),
  ]
}

type ResultPage = { index: { state: string; message: string | null }; total: number }

/**
 * PostgreSQL over HTTP: the files written into `npm start`'s data dir, the File and Batch rows inserted with SQL, the
 * index built by the app on the first results request (timed until the index is ready), then the same requests.
 */
async function onPostgres(): Promise<Measured> {
  const database = await benchDatabase('results')
  let app: AppServer | null = null
  try {
    app = await startAppOnPostgres(database, { BATCHBOARD_ENGINE: 'off' })
    const dir = path.join(database.dataDir, 'files')
    mkdirSync(dir, { recursive: true })
    const paths = { input: path.join(dir, 'in.jsonl'), output: path.join(dir, 'out.jsonl'), error: path.join(dir, 'err.jsonl') }
    await writeResultFiles(LINES, paths)
    const id = 'batch_bench_results'
    const fileRow = (key: keyof typeof paths, purpose: string) =>
      `('file-bench${key}', '${key}.jsonl', '${purpose}', ${statSync(paths[key]).size}, 'files/${path.basename(paths[key])}', now())`
    await sql(database, [
      `INSERT INTO "File" ("id", "filename", "purpose", "bytes", "storagePath", "updatedAt")
         VALUES ${fileRow('input', 'batch')}, ${fileRow('output', 'batch_output')}, ${fileRow('error', 'batch_output')}`,
      `INSERT INTO "Batch" ("id", "connectionId", "endpoint", "status", "requestCountTotal", "inputFileId", "outputFileId", "errorFileId", "updatedAt")
         VALUES ('${id}', 'builtin', '/v1/chat/completions', 'completed', ${LINES}, 'file-benchinput', 'file-benchoutput', 'file-bencherror', now())`,
    ])
    const bytes = Object.values(paths).reduce((sum, file) => sum + statSync(file).size, 0)
    const base = `${app.baseUrl}/api/batches/${id}/results`
    const started = performance.now()
    for (;;) {
      const { body } = await timedGet<ResultPage>(base, '?limit=1')
      if (body.index.state === 'ready') break
      if (body.index.state === 'failed') throw new Error(`indexing failed: ${body.index.message}`)
      if (performance.now() - started > 300_000) throw new Error('the index was not ready within 5 minutes')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const indexMs = performance.now() - started
    for (let i = 0; i < 6; i++) await timedGet(base, PAGE_QUERIES(i))
    const pages: number[] = []
    for (let i = 0; i < 200; i++) pages.push((await timedGet(base, PAGE_QUERIES(i))).ms)
    const searches: number[] = []
    for (let i = 0; i < 120; i++) searches.push((await timedGet(base, `?limit=200&q=${encodeURIComponent(SEARCH_WORDS[i % SEARCH_WORDS.length]!)}`)).ms)
    const exportStarted = performance.now()
    const response = await fetch(`${base}/export?format=csv`)
    const csv = await response.text()
    if (response.status !== 200) throw new Error(`the export answered ${response.status}: ${csv.slice(0, 300)}`)
    const exportMs = performance.now() - exportStarted
    return { indexMs, pages, searches, exportMs, exportRows: csv.trimEnd().split('\r\n').length - 1, bytes }
  } finally {
    await app?.stop()
    await database.stop()
  }
}

export default {
  name: 'results',
  async run() {
    const rows = rowsOf(runServerScript<Measured>({ eval: SCRIPT }, 'results'), 'SQLite, handlers in-process')
    const unavailable = postgresUnavailable()
    if (unavailable) return [...rows, { name: 'results (PostgreSQL)', figure: unavailable }]
    return [...rows, ...rowsOf(await onPostgres(), 'PostgreSQL, over HTTP against npm start')]
  },
} satisfies Bench
