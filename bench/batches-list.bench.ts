// The batch list with 10,000 batches: ~200 requests of mixed queries (first page, filters, search, deep pages by
// cursor, other sorts) through the real GET /api/batches handler, in-process. Runs in a child with the react-server
// condition (server modules import 'server-only'), on a fresh migrated database.
import path from 'node:path'
import { findPostgresBin, startPostgresCluster } from '@/lib/cli/postgres-cluster'
import { ms, percentile, runServerScript } from './support/child'
import type { Bench, BenchRow } from './types'

const root = path.resolve(import.meta.dirname, '..')
const BATCHES = Number(process.env.BENCH_LIST_BATCHES ?? 10_000)
const TARGET_P95_MS = 100

type Result = { kinds: Record<string, number[]>; plans: Record<string, string> }

const LIST_SCRIPT = `
void (async () => {
  const { db, env } = await migratedDb()
  const { GET } = await load('${path.join(root, 'app/api/batches/route.ts')}')
  const { pageQuery } = await load('${path.join(root, 'lib/server/batches/list.ts')}')
  const { batchListQuery } = await load('${path.join(root, 'lib/validations/batches.ts')}')
  const { NextRequest } = await load('next/server')
  const Database = require('better-sqlite3')

  // Seed: 3 connections, 500 input files, ${BATCHES} batches spread over a year, mixed statuses, models and metadata.
  const connections = ['builtin', 'conn_openai', 'conn_vllm']
  await db.connection.createMany({ data: connections.slice(1).map((id) => ({ id, kind: 'openai', name: id, baseUrl: 'https://example.test/v1' })) })
  await db.file.createMany({ data: Array.from({ length: 500 }, (_, i) => ({ id: 'file-bench' + i, filename: 'dataset-' + i + '.jsonl', purpose: 'batch', bytes: 1000n, storagePath: 'files/' + i })) })
  const statuses = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'expired', 'in_progress', 'validating', 'finalizing', 'cancelling']
  const models = ['gpt-4o-mini', 'gpt-4.1', 'llama3.1-8b', 'qwen2.5-7b', 'mistral-small', null]
  const endpoints = ['/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings', '/v1/responses']
  const teams = ['support', 'research', 'billing', 'growth', 'legal']
  const start = Date.UTC(2026, 0, 1)
  let rows = []
  for (let i = 0; i < ${BATCHES}; i++) {
    const total = (i * 7919) % 50000
    rows.push({
      id: 'batch_' + (i * 2654435761 % 4294967296).toString(16).padStart(8, '0') + i.toString(16),
      connectionId: connections[i % 3],
      remoteId: i % 3 === 0 ? null : 'batch_remote_' + i,
      endpoint: endpoints[i % 4],
      model: models[i % 6],
      status: statuses[(i * 31) % 10],
      description: i % 4 === 0 ? null : 'Nightly run ' + i + ' for ' + teams[i % 5],
      metadata: { team: teams[i % 5], run: 'r' + i, ...(i % 4 === 0 ? {} : { description: 'Nightly run ' + i + ' for ' + teams[i % 5] }) },
      inputFileId: 'file-bench' + (i % 500),
      requestCountTotal: total,
      requestCountCompleted: Math.floor(total / 2),
      createdAt: new Date(start + i * 3_000_000),
    })
    if (rows.length === 1000) { await db.batch.createMany({ data: rows }); rows = [] }
  }
  if (rows.length) await db.batch.createMany({ data: rows })

  const call = async (query) => {
    const started = performance.now()
    const response = await GET(new NextRequest(new URL('/api/batches?' + query, 'http://127.0.0.1')), {})
    const body = await response.json()
    const ms = performance.now() - started
    if (response.status !== 200) throw new Error(query + ' answered ' + response.status + ': ' + JSON.stringify(body))
    return { ms, body }
  }

  // Cursors for deep pages: walk 40 pages (2,000 batches) deep once, untimed.
  const deepCursors = {}
  for (const sort of ['sort=created&order=desc', 'sort=requests&order=desc']) {
    let cursor = null
    for (let page = 0; page < 40; page++) cursor = (await call(sort + '&limit=50' + (cursor ? '&cursor=' + cursor : ''))).body.nextCursor
    deepCursors[sort] = cursor
  }
  const kinds = {
    'first page': () => '',
    'status filter': (i) => 'status=' + ['completed', 'failed,expired', 'in_progress,validating,finalizing'][i % 3],
    'connection + model': (i) => 'connectionId=' + connections[i % 3] + '&model=' + models[i % 5],
    'endpoint filter': (i) => 'endpoint=' + endpoints[i % 4],
    'search': (i) => 'q=' + ['nightly run 4', 'research', 'dataset-42', 'batch_remote_77', 'r9999', 'nothing-matches'][i % 6],
    'deep page (cursor)': (i) => { const sort = i % 2 ? 'sort=created&order=desc' : 'sort=requests&order=desc'; return sort + '&cursor=' + deepCursors[sort] },
    'jobs filter': (i) => ['jobs=hide', 'jobs=only'][i % 2],
    'sorted': (i) => ['sort=status&order=asc', 'sort=requests&order=desc', 'sort=created&order=asc', 'sort=requests&order=asc&status=completed'][i % 4],
  }
  for (const make of Object.values(kinds)) await call(make(0)) // warm up each kind once
  const timings = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, []]))
  const names = Object.keys(kinds)
  for (let i = 0; i < 240; i++) {
    const kind = names[i % names.length]
    timings[kind].push((await call(kinds[kind](Math.floor(i / names.length)))).ms)
  }

  // Query plans are SQLite's (EXPLAIN QUERY PLAN); the PostgreSQL run reports timings only.
  if (!env.databasePath) {
    console.log(JSON.stringify({ kinds: timings, plans: {} }))
    process.exit(0)
  }
  const sqlite = new Database(env.databasePath, { readonly: true })
  const plan = (query) => {
    const sql = pageQuery(batchListQuery.parse(Object.fromEntries(new URLSearchParams(query))))
    return sqlite.prepare('EXPLAIN QUERY PLAN ' + sql.sql).all(...sql.values).map((row) => row.detail).join('; ')
  }
  const plans = {
    'first page': plan(''),
    'one status': plan('status=completed'),
    'deep page': plan('cursor=' + deepCursors['sort=created&order=desc']),
    'by requests': plan('sort=requests&order=desc'),
    'connection': plan('connectionId=conn_vllm'),
    'hide job parts': plan('jobs=hide'),
    'only job parts': plan('jobs=only'),
  }
  sqlite.close()
  console.log(JSON.stringify({ kinds: timings, plans }))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

/** The timing rows of one run; `database` names it. */
function timingRows(result: Result, database: string): BenchRow[] {
  const all = Object.values(result.kinds).flat()
  const p95 = percentile(all, 95)
  return [
    {
      name: `list API, ${all.length} mixed requests over ${BATCHES.toLocaleString('en-US')} batches (${database})`,
      figure: `p50 ${ms(percentile(all, 50))}, p95 ${ms(p95)}`,
      target: `p95 ≤ ${TARGET_P95_MS} ms`,
      met: p95 <= TARGET_P95_MS,
    },
    ...Object.entries(result.kinds).map(([kind, times]) => ({
      name: `list API (${database}): ${kind}`,
      figure: `p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}`,
    })),
  ]
}

/** The same requests on a throwaway PostgreSQL cluster (lib/cli/postgres-cluster.ts), when PostgreSQL is installed. */
async function onPostgres(): Promise<BenchRow[]> {
  try {
    findPostgresBin()
  } catch {
    return [{ name: 'list API (PostgreSQL)', figure: 'not run: PostgreSQL is not installed' }]
  }
  const cluster = await startPostgresCluster()
  try {
    await cluster.createDatabase('bench_list')
    return timingRows(runServerScript<Result>({ eval: LIST_SCRIPT }, 'list-postgres', cluster.url('bench_list')), 'PostgreSQL')
  } finally {
    cluster.stop()
  }
}

export default {
  name: 'batches-list',
  async run() {
    const result = runServerScript<Result>({ eval: LIST_SCRIPT }, 'list')
    const plans = Object.entries(result.plans).map(([name, plan]) => ({ name: `query plan: ${name}`, figure: plan }))
    return [...timingRows(result, 'SQLite'), ...plans, ...(await onPostgres())]
  },
} satisfies Bench
