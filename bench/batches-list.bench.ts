// The batch list: 240 requests of mixed queries (first page, filters, search, deep pages by cursor, other sorts).
// SQLite, 10,000 batches: through the real GET /api/batches handler, in-process, in a child with the react-server
// condition (server modules import 'server-only'), on a fresh migrated database. PostgreSQL, 10,000 and 100,000
// batches: over HTTP against `npm start` (bench/support/postgres.ts), as a user meets it.
import path from 'node:path'
import type { AppServer } from './support/app-server'
import { ms, percentile, runServerScript } from './support/child'
import { benchDatabase, postgresUnavailable, sql, startAppOnPostgres, timedGet } from './support/postgres'
import type { Bench, BenchRow } from './types'

const root = path.resolve(import.meta.dirname, '..')
const BATCHES = Number(process.env.BENCH_LIST_BATCHES ?? 10_000)
const TARGET_P95_MS = 100
/** Pages of 50 walked for the deep-page cursors: 40 (2,000 batches deep), fewer on a list too short for that. */
const DEEP_PAGES = (batches: number) => Math.max(1, Math.min(40, Math.floor(batches / 50) - 1))

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

  // Cursors for deep pages: walk 40 pages (2,000 batches) deep once (fewer on a short list), untimed.
  const deepCursors = {}
  for (const sort of ['sort=created&order=desc', 'sort=requests&order=desc']) {
    let cursor = null
    for (let page = 0; page < ${DEEP_PAGES(BATCHES)}; page++) cursor = (await call(sort + '&limit=50' + (cursor ? '&cursor=' + cursor : ''))).body.nextCursor
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
      name: `list API, ${all.length} mixed requests (${database})`,
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

// PostgreSQL: `npm start` on a database seeded with SQL (the same distribution as the SQLite seed above, in one
// INSERT … SELECT over generate_series), the same request mix sent over HTTP, at 10,000 and 100,000 batches.
const POSTGRES_SIZES = (process.env.BENCH_LIST_POSTGRES_BATCHES ?? '10000,100000').split(',').map(Number)

const seedSql = (batches: number) => [
  `INSERT INTO "Connection" ("id", "kind", "name", "baseUrl", "updatedAt")
     SELECT id, 'openai', id, 'https://example.test/v1', now() FROM unnest(ARRAY['conn_openai', 'conn_vllm']) AS id`,
  `INSERT INTO "File" ("id", "filename", "purpose", "bytes", "storagePath", "updatedAt")
     SELECT 'file-bench' || i, 'dataset-' || i || '.jsonl', 'batch', 1000, 'files/' || i, now() FROM generate_series(0, 499) AS i`,
  `INSERT INTO "Batch" ("id", "connectionId", "remoteId", "endpoint", "model", "status", "description", "metadata", "inputFileId",
       "requestCountTotal", "requestCountCompleted", "createdAt", "updatedAt")
     SELECT 'batch_' || lpad(to_hex((i * 2654435761) % 4294967296), 8, '0') || to_hex(i),
       (ARRAY['builtin', 'conn_openai', 'conn_vllm'])[i % 3 + 1],
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'batch_remote_' || i END,
       (ARRAY['/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings', '/v1/responses'])[i % 4 + 1],
       (ARRAY['gpt-4o-mini', 'gpt-4.1', 'llama3.1-8b', 'qwen2.5-7b', 'mistral-small', NULL])[i % 6 + 1],
       (ARRAY['completed', 'completed', 'completed', 'failed', 'cancelled', 'expired', 'in_progress', 'validating', 'finalizing', 'cancelling'])[(i * 31) % 10 + 1],
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'Nightly run ' || i || ' for ' || team END,
       jsonb_build_object('team', team, 'run', 'r' || i)
         || CASE WHEN i % 4 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('description', 'Nightly run ' || i || ' for ' || team) END,
       'file-bench' || (i % 500),
       (i * 7919) % 50000, ((i * 7919) % 50000) / 2,
       TIMESTAMP '2026-01-01' + i * INTERVAL '3000 seconds', now()
     FROM generate_series(0::bigint, ${batches - 1}) AS i,
       LATERAL (SELECT (ARRAY['support', 'research', 'billing', 'growth', 'legal'])[i % 5 + 1] AS team) AS t`,
  'ANALYZE',
]

// The same kinds as the SQLite run's, over HTTP.
const CONNECTIONS = ['builtin', 'conn_openai', 'conn_vllm']
const MODELS = ['gpt-4o-mini', 'gpt-4.1', 'llama3.1-8b', 'qwen2.5-7b', 'mistral-small']
const ENDPOINTS = ['/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings', '/v1/responses']
const SORTS = ['sort=created&order=desc', 'sort=requests&order=desc']
const httpKinds = (deepCursors: Record<string, string>): Record<string, (i: number) => string> => ({
  'first page': () => '',
  'status filter': (i) => `status=${['completed', 'failed,expired', 'in_progress,validating,finalizing'][i % 3]}`,
  'connection + model': (i) => `connectionId=${CONNECTIONS[i % 3]}&model=${MODELS[i % 5]}`,
  'endpoint filter': (i) => `endpoint=${ENDPOINTS[i % 4]}`,
  search: (i) => `q=${encodeURIComponent(['nightly run 4', 'research', 'dataset-42', 'batch_remote_77', 'r9999', 'nothing-matches'][i % 6]!)}`,
  'deep page (cursor)': (i) => `${SORTS[i % 2]}&cursor=${deepCursors[SORTS[i % 2]!]}`,
  'jobs filter': (i) => ['jobs=hide', 'jobs=only'][i % 2]!,
  sorted: (i) => ['sort=status&order=asc', 'sort=requests&order=desc', 'sort=created&order=asc', 'sort=requests&order=asc&status=completed'][i % 4]!,
})

// EXPLAIN ANALYZE of a few list queries on the seeded database, in a child on the same DATABASE_URL: the plan's first
// line and PostgreSQL's own execution time, so a slow figure can be told apart from a slow plan.
const PLAN_SCRIPT = (queries: Record<string, string>) => `
void (async () => {
  const { db } = await migratedDb()
  const { pageQuery, windowQuery } = await load('${path.join(root, 'lib/server/batches/list.ts')}')
  const { batchListQuery } = await load('${path.join(root, 'lib/validations/batches.ts')}')
  const plans = {}
  for (const [name, query] of Object.entries(${JSON.stringify(queries)})) {
    // A search's page is first looked for among the next batches in list order (the window), then by its matches.
    const parsed = batchListQuery.parse(Object.fromEntries(new URLSearchParams(query)))
    const sql = name.endsWith('(window)') ? windowQuery(parsed) : pageQuery(parsed)
    const rows = await db.$queryRawUnsafe('EXPLAIN (ANALYZE, FORMAT TEXT) ' + sql.text, ...sql.values)
    const lines = rows.map((row) => row['QUERY PLAN'])
    plans[name] = lines[0].trim() + ' … ' + (lines.find((line) => line.startsWith('Execution Time')) ?? '')
  }
  console.log(JSON.stringify(plans))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

type ListPage = { nextCursor: string | null }

/** The list API over HTTP against `npm start` on PostgreSQL with `batches` batches. */
async function onPostgres(batches: number): Promise<BenchRow[]> {
  const label = `PostgreSQL, ${batches.toLocaleString('en-US')} batches`
  const database = await benchDatabase(`list_${batches}`)
  let app: AppServer | null = null
  try {
    // The engine is off: the seeded builtin batches in active states have no engine run and are not meant to run.
    app = await startAppOnPostgres(database, { BATCHBOARD_ENGINE: 'off' })
    const seedStarted = performance.now()
    await sql(database, seedSql(batches))
    const seedMs = performance.now() - seedStarted
    const base = app.baseUrl
    const call = (query: string) => timedGet<ListPage>(base, `/api/batches?${query}`)
    const deepCursors: Record<string, string> = {}
    for (const sort of SORTS) {
      let cursor: string | null = null
      for (let page = 0; page < DEEP_PAGES(batches); page++) cursor = (await call(`${sort}&limit=50${cursor ? `&cursor=${cursor}` : ''}`)).body.nextCursor
      deepCursors[sort] = cursor ?? ''
    }
    const kinds = httpKinds(deepCursors)
    for (const make of Object.values(kinds)) await call(make(0))
    const timings: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, []]))
    const names = Object.keys(kinds)
    for (let i = 0; i < 240; i++) {
      const kind = names[i % names.length]!
      timings[kind]!.push((await call(kinds[kind]!(Math.floor(i / names.length)))).ms)
    }
    const plans = runServerScript<Record<string, string>>(
      {
        eval: PLAN_SCRIPT({
          'first page': '',
          'one status': 'status=completed',
          'deep page': `cursor=${deepCursors[SORTS[0]!]}`,
          search: 'q=research',
          'search (window)': 'q=research',
        }),
      },
      'list-plans',
      database.url,
    )
    return [
      { name: `seed ${batches.toLocaleString('en-US')} batches with SQL (${label})`, figure: `${(seedMs / 1000).toFixed(1)} s` },
      ...timingRows({ kinds: timings, plans: {} }, `${label}, over HTTP against npm start`),
      ...Object.entries(plans).map(([name, plan]) => ({ name: `PostgreSQL plan (${batches.toLocaleString('en-US')}): ${name}`, figure: plan })),
    ]
  } finally {
    await app?.stop()
    await database.stop()
  }
}

export default {
  name: 'batches-list',
  async run() {
    const result = runServerScript<Result>({ eval: LIST_SCRIPT }, 'list')
    const plans = Object.entries(result.plans).map(([name, plan]) => ({ name: `query plan: ${name}`, figure: plan }))
    const unavailable = postgresUnavailable()
    const postgres: BenchRow[] = []
    if (unavailable) postgres.push({ name: 'list API (PostgreSQL)', figure: unavailable })
    else for (const batches of POSTGRES_SIZES) postgres.push(...(await onPostgres(batches)))
    return [...timingRows(result, `SQLite, ${BATCHES.toLocaleString('en-US')} batches, handler in-process`), ...plans, ...postgres]
  },
} satisfies Bench
