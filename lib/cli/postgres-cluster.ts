// A throwaway PostgreSQL cluster for the integration suite on PostgreSQL (BATCHBOARD_TEST_DB=postgres; started by
// tests/support/global-setup.ts): Debian's PostgreSQL 15 (installed with apt when missing and we are root), initdb'd
// into a temp dir, served on a free port on 127.0.0.1 only, stopped and deleted at the end. PostgreSQL refuses to run
// as root, so as root the cluster belongs to the `postgres` user the Debian package creates.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

const PG_ROOT = '/usr/lib/postgresql'
const PREFERRED_MAJOR = '15'
const SUPERUSER = 'batchboard'

export type PostgresCluster = {
  /** URL of one database of the cluster (no password: trust authentication on loopback). */
  url: (database: string) => string
  /** Creates a database, as a copy of `template` when given (cheap: a file copy inside the cluster). */
  createDatabase: (name: string, template?: string) => Promise<void>
  /** The postmaster's process id (every server process of the cluster is its child), or null once stopped. */
  pid: () => number | null
  stop: () => void
}

const isRoot = () => process.getuid?.() === 0

/** The bin dir of an installed PostgreSQL, 15 first; installs Debian's `postgresql` package when none is and we are root. */
export function findPostgresBin(): string {
  const find = () => {
    const majors = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((name) => existsSync(path.join(PG_ROOT, name, 'bin', 'initdb'))) : []
    const major = majors.includes(PREFERRED_MAJOR) ? PREFERRED_MAJOR : majors.sort((a, b) => Number(b) - Number(a))[0]
    return major ? path.join(PG_ROOT, major, 'bin') : null
  }
  const found = find()
  if (found) return found
  if (!isRoot()) throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/initdb). Install it with: sudo apt-get install -y postgresql`)
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  const installed = find()
  if (!installed) throw new Error(`apt-get installed postgresql, but no ${PG_ROOT}/*/bin/initdb was found`)
  return installed
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Runs a PostgreSQL binary as the cluster's owner: `postgres` when we are root, ourselves otherwise. */
function runAsOwner(command: string, args: string[]) {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
  const result = spawnSync(file, argv, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${path.basename(command)} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`)
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = findPostgresBin()
  const root = mkdtempSync(path.join(os.tmpdir(), 'batchboard-pg-'))
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(root, uid, gid)
  }
  const dataDir = path.join(root, 'data')
  const port = await freePort()
  runAsOwner(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
  // Durability is pointless for a cluster deleted at the end; without it the suite waits on no fsync.
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`
  runAsOwner(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', path.join(root, 'server.log'), '-w', '-t', '60', 'start'])
  const url = (database: string) => `postgresql://${SUPERUSER}@127.0.0.1:${port}/${database}`
  let stopped = false
  return {
    url,
    async createDatabase(name, template) {
      const client = new pg.Client({ connectionString: url('postgres') })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`)
      } finally {
        await client.end()
      }
    },
    pid() {
      try {
        return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
      } catch {
        return null
      }
    },
    stop() {
      if (stopped) return
      stopped = true
      try {
        runAsOwner(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    },
  }
}
