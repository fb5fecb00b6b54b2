// `npm start`: validate the environment, migrate the database, build if the source changed, serve.
// `npm run dev` does the same with `next dev` instead of a production build.
import { spawn } from 'node:child_process'
import { loadEnvConfig } from '@next/env'
import { EnvError, loadEnv, type Env } from '@/lib/config/env'
import { ensureBuild } from './build'
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
  serve(env, dev)
}

function serve(env: Env, dev: boolean) {
  log(`Serving on http://${env.hostname === '0.0.0.0' ? 'localhost' : env.hostname}:${env.port}`)
  const child = spawn(bin('next'), [dev ? 'dev' : 'start', '--hostname', env.hostname, '--port', String(env.port)], {
    cwd: projectRoot,
    stdio: 'inherit',
    // The server re-reads DATA_DIR and DATABASE_URL; pass them resolved so both sides agree.
    env: { ...process.env, DATA_DIR: env.dataDir, DATABASE_URL: env.databaseUrl, NEXT_TELEMETRY_DISABLED: '1' },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
