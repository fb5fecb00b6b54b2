// Results explorer on a generated 50,000-line batch (mixed outcomes, shuffled output): index time, page and
// full-text search latency through the real GET handlers, and a streamed CSV export of every row. Runs in a child
// with the react-server condition (server modules import 'server-only'), on a fresh migrated database.
import path from 'node:path'
import { ms, percentile, runServerScript } from './support/child'
import type { Bench, BenchRow } from './types'

const root = path.resolve(import.meta.dirname, '..')
const LINES = Number(process.env.BENCH_RESULTS_LINES ?? 50_000)

const SCRIPT = `
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
  const pageQueries = (i) => ['?offset=' + ((i * 997) % ${LINES}) + '&limit=200', '?status=failed&limit=200&offset=' + (i % 20) * 100, '?sort=tokens&order=desc&limit=200&offset=' + (i % 50) * 200, '?sort=status&limit=200', '?errorCode=server_error&limit=200', '?status=succeeded,missing&limit=200&offset=' + i * 300][i % 6]
  for (let i = 0; i < 6; i++) await call(page, pageQueries(i))
  for (let i = 0; i < 200; i++) pages.push((await call(page, pageQueries(i))).ms)
  const searches = []
  const words = ['zebra', 'quokka', 'budgets report', 'section', 'quok', 'nothingmatches', 'req-4242', 'answer 31337']
  for (let i = 0; i < 120; i++) searches.push((await call(page, '?limit=200&q=' + encodeURIComponent(words[i % words.length]))).ms)

  started = performance.now()
  const csv = await call(exportRoute, '/export?format=csv')
  const exportMs = performance.now() - started
  const rss = process.memoryUsage().rss
  console.log(JSON.stringify({ indexMs, pages, searches, exportMs, exportRows: csv.body.trimEnd().split('\\r\\n').length - 1, bytes, rss }))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

export default {
  name: 'results',
  async run() {
    const r = runServerScript<{ indexMs: number; pages: number[]; searches: number[]; exportMs: number; exportRows: number; bytes: number }>(
      { eval: SCRIPT },
      'results',
    )
    const lines = LINES.toLocaleString('en-US')
    const rows: BenchRow[] = [
      {
        name: `index ${lines} lines (input + shuffled output + errors, ${(r.bytes / 2 ** 20).toFixed(0)} MiB)`,
        figure: `${(r.indexMs / 1000).toFixed(2)} s`,
        comparison: `${Math.round(LINES / (r.indexMs / 1000)).toLocaleString('en-US')} lines/s`,
        target: '≤ 10 s',
        met: r.indexMs <= 10_000,
      },
      {
        name: `results page (200 rows; offsets, filters, sorts), ${r.pages.length} requests`,
        figure: `p50 ${ms(percentile(r.pages, 50))}, p95 ${ms(percentile(r.pages, 95))}`,
        target: 'p95 ≤ 50 ms',
        met: percentile(r.pages, 95) <= 50,
      },
      {
        name: `full-text search, ${r.searches.length} requests`,
        figure: `p50 ${ms(percentile(r.searches, 50))}, p95 ${ms(percentile(r.searches, 95))}`,
        target: 'p95 ≤ 200 ms',
        met: percentile(r.searches, 95) <= 200,
      },
      {
        name: `CSV export of ${r.exportRows.toLocaleString('en-US')} rows (streamed)`,
        figure: `${(r.exportMs / 1000).toFixed(2)} s`,
        comparison: `${Math.round(r.exportRows / (r.exportMs / 1000)).toLocaleString('en-US')} rows/s`,
      },
    ]
    return rows
  },
} satisfies Bench
