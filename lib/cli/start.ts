// `npm start` (through lib/cli/start.sh): validate the environment, migrate the database, build if the source changed,
// serve. `npm run dev` does the same with `next dev` instead of a production build.
// With `--prepare <file>` it serves nothing: it writes the server's environment and arguments to <file> as shell
// assignments and exits, and start.sh replaces itself with `next start`, so no launcher stays resident.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { loadEnvConfig } from '@next/env'
import { EnvError, loadEnv, type Env } from '@/lib/config/env'
import { ensureBuild } from './build'
import { memoryEnv } from './memory-env'
import { migrateDatabase } from './migrate'
import { bin, log, projectRoot } from './run'

async function main() {
  const dev = process.argv.includes('--dev')
  loadEnvConfig(projectRoot, dev)
  let env: Env
  try {
    env = loadEnv(process.env)
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
  migrateDatabase(env)
  log(`Database ready at ${env.databaseLabel}`)
  if (!dev && !(await ensureBuild())) {
    console.error('The build failed; see the errors above.')
    process.exit(1)
  }
  const prepareFile = process.argv.indexOf('--prepare')
  if (prepareFile >= 0 && process.argv[prepareFile + 1]) return writeServerEnv(env, process.argv[prepareFile + 1]!)
  serve(env, dev)
}

// The server re-reads DATA_DIR and DATABASE_URL; pass them resolved so both sides agree.
const serverEnv = (env: Env) => ({ DATA_DIR: env.dataDir, DATABASE_URL: env.databaseUrl, NEXT_TELEMETRY_DISABLED: '1', ...memoryEnv(process.env) })

/**
 * Node closes a keep-alive connection 5 s after its last response by default, timed by the event loop: when the loop
 * stalls past that (a busy machine, a long synchronous step), the timer fires first once it runs again and the server
 * resets the connection a polling client has already sent its next request on, which the client sees as ECONNRESET
 * (a jobs bench run did, mid-split). 30 s outlasts any stall seen, and stays under Node's 60 s headersTimeout.
 * See docs/decisions/059-job-split-in-worker-threads.md.
 */
const KEEP_ALIVE_TIMEOUT_MS = 30_000

const serverArgs = (env: Env, dev: boolean) => [
  ...(dev ? ['dev'] : ['start', '--keepAliveTimeout', String(KEEP_ALIVE_TIMEOUT_MS)]),
  '--hostname',
  env.hostname,
  '--port',
  String(env.port),
]
const servingMessage = (env: Env) => `Serving on http://${env.hostname === '0.0.0.0' ? 'localhost' : env.hostname}:${env.port}`

/** For start.sh: `export NAME='value'` lines and the server's arguments as `set --`, quoted for sh. */
function writeServerEnv(env: Env, file: string) {
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`
  const exports = Object.entries(serverEnv(env)).map(([name, value]) => `export ${name}=${quote(value)}`)
  writeFileSync(file, [...exports, `set -- ${serverArgs(env, false).map(quote).join(' ')}`, ''].join('\n'))
  log(servingMessage(env))
}

function serve(env: Env, dev: boolean) {
  log(servingMessage(env))
  const child = spawn(bin('next'), serverArgs(env, dev), {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, ...serverEnv(env) },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
