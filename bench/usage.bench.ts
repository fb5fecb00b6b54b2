// The Usage page's aggregation with 10,000 batches over a year: GET /api/usage for all time, 90 days and 30 days
// through the real handler, in-process, against the batch list's first page measured in the same run.
import path from 'node:path'
import { ms, percentile, runServerScript } from './support/child'
import type { Bench, BenchRow } from './types'

const root = path.resolve(import.meta.dirname, '..')
const BATCHES = Number(process.env.BENCH_USAGE_BATCHES ?? 10_000)
const TARGET_P95_MS = 250

const USAGE_SCRIPT = `
void (async () => {
  const { db } = await migratedDb()
  const usageRoute = await load('${path.join(root, 'app/api/usage/route.ts')}')
  const listRoute = await load('${path.join(root, 'app/api/batches/route.ts')}')
  const { NextRequest } = await load('next/server')

  await db.connection.create({ data: { id: 'conn_openai', kind: 'openai', name: 'OpenAI', baseUrl: 'https://example.test/v1' } })
  const models = ['gpt-4o-mini', 'gpt-4.1-mini-2025-04-14', 'o4-mini', 'text-embedding-3-small', 'llama3.1:8b', 'sim-chat']
  const end = Date.UTC(2026, 11, 31)
  let rows = []
  for (let i = 0; i < ${BATCHES}; i++) {
    const at = new Date(end - (i % 365) * 86_400_000 - (i % 7) * 3_600_000)
    rows.push({
      id: 'batch_u' + i.toString(36), connectionId: i % 3 ? 'conn_openai' : 'builtin', endpoint: '/v1/chat/completions', model: models[i % 6], status: 'completed',
      createdAt: at, completedAt: at, usageInputTokens: 1000 + i, usageCachedTokens: i % 100, usageOutputTokens: 500 + (i % 300), usageReasoningTokens: 0, usageTotalTokens: 1500 + i + (i % 300),
    })
    if (rows.length === 1000) { await db.batch.createMany({ data: rows }); rows = [] }
  }
  if (rows.length) await db.batch.createMany({ data: rows })

  const time = async (handler, url) => {
    const started = performance.now()
    const response = await handler(new NextRequest(new URL(url, 'http://127.0.0.1')), {})
    await response.json()
    if (response.status !== 200) throw new Error(url + ' answered ' + response.status)
    return performance.now() - started
  }
  const kinds = {
    'all time': () => time(usageRoute.GET, '/api/usage'),
    '90 days': () => time(usageRoute.GET, '/api/usage?from=2026-10-03&to=2026-12-31'),
    '30 days': () => time(usageRoute.GET, '/api/usage?from=2026-12-02&to=2026-12-31'),
    'reference: batch list first page': () => time(listRoute.GET, '/api/batches'),
  }
  const timings = {}
  for (const [kind, run] of Object.entries(kinds)) {
    await run()
    timings[kind] = []
    for (let i = 0; i < 30; i++) timings[kind].push(await run())
  }
  console.log(JSON.stringify(timings))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

export default {
  name: 'usage',
  async run() {
    const timings = runServerScript<Record<string, number[]>>({ eval: USAGE_SCRIPT }, 'usage')
    const reference = timings['reference: batch list first page'] ?? []
    return Object.entries(timings).map(([kind, times]): BenchRow => {
      const p95 = percentile(times, 95)
      const isUsage = !kind.startsWith('reference')
      return {
        name: `usage API over ${BATCHES.toLocaleString('en-US')} batches: ${kind}`,
        figure: `p50 ${ms(percentile(times, 50))}, p95 ${ms(p95)}`,
        ...(isUsage
          ? {
              comparison: `${(percentile(times, 50) / percentile(reference, 50)).toFixed(1)}× the list's first page (p50)`,
              target: `p95 ≤ ${TARGET_P95_MS} ms`,
              met: p95 <= TARGET_P95_MS,
            }
          : {}),
      }
    })
  },
} satisfies Bench
