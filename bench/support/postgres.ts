// PostgreSQL for the benches' PostgreSQL columns, measured as a user meets the app: `npm start` on a PostgreSQL
// database, driven over HTTP. BENCH_POSTGRES_URL names a server to use (a database is created on it for each bench and
// dropped after); without it a throwaway cluster is started (lib/cli/postgres-cluster.ts), when PostgreSQL is installed.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { findPostgresBin, freePort, startPostgresCluster } from '@/lib/cli/postgres-cluster'
import { startAppServer, type AppServer } from './app-server'
import { projectRoot } from './child'

export type BenchDatabase = {
  url: string
  dataDir: string
  /** The PostgreSQL server's main process, when the bench started it (null for BENCH_POSTGRES_URL's server). */
  serverPid(): number | null
  stop(): Promise<void>
}

/** Why the PostgreSQL column cannot run here, or null when it can. */
export function postgresUnavailable(): string | null {
  if (process.env.BENCH_POSTGRES_URL) return null
  try {
    findPostgresBin()
    return null
  } catch {
    return 'not run: PostgreSQL is not installed (install it, or set BENCH_POSTGRES_URL)'
  }
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A fresh, empty database (migrated by `npm start`) and a data dir beside it, both removed by `stop`. */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  const database = `bench_${name.replace(/\W/g, '_')}_${process.pid}`
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-pg-`))
  const given = process.env.BENCH_POSTGRES_URL
  if (given) {
    await onServer(given, (client) => client.query(`CREATE DATABASE "${database}"`))
    const url = new URL(given)
    url.pathname = `/${database}`
    return {
      url: url.toString(),
      dataDir,
      serverPid: () => null,
      async stop() {
        await onServer(given, (client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`))
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  }
  const cluster = await startPostgresCluster()
  await cluster.createDatabase(database)
  return {
    url: cluster.url(database),
    dataDir,
    serverPid: cluster.pid,
    async stop() {
      cluster.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** `npm start` on the database (which it migrates), on a free port. */
export async function startAppOnPostgres(database: BenchDatabase, env: Record<string, string> = {}): Promise<AppServer> {
  return startAppServer({ projectRoot, port: await freePort(), dataDir: database.dataDir, env: { DATABASE_URL: database.url, ...env } })
}

/** Runs SQL on the bench's database (seeding: rows are written with SQL, not through the API, so seeding is quick). */
export async function sql(database: BenchDatabase, statements: string[]): Promise<void> {
  await onServer(database.url, async (client) => {
    for (const statement of statements) await client.query(statement)
  })
}

/** GET a JSON API path, timed; throws on a non-200 answer. */
export async function timedGet<T>(baseUrl: string, pathAndQuery: string): Promise<{ ms: number; body: T }> {
  const started = performance.now()
  const response = await fetch(`${baseUrl}${pathAndQuery}`)
  const text = await response.text()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`${pathAndQuery} answered ${response.status}: ${text.slice(0, 300)}`)
  return { ms, body: JSON.parse(text) as T }
}
