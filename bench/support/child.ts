import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * Runs a TypeScript file in a fresh Node process (tsx loaded in-process, so the measured process is the
 * script itself, not a wrapper) and returns the JSON object on its last line of output.
 */
export function runScript<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, script), ...args],
      { cwd: projectRoot, timeout: timeoutMs, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} ${args.join(' ')} failed: ${stderr.trim() || error.message}`))
          return
        }
        const last = stdout.trim().split('\n').at(-1) ?? ''
        try {
          resolve(JSON.parse(last) as T)
        } catch {
          reject(new Error(`${script} printed no result: ${stdout.slice(-500)}`))
        }
      },
    )
  })
}

/**
 * Runs server code the way the app does (the react-server condition, so `server-only` modules load) on a fresh data
 * dir with auth off, and returns the JSON on its last line. `code` is a script to evaluate (after PRELUDE), or a file
 * to run.
 */
/**
 * What every evaluated script starts with: `path`, `fs`, `load(file)` (an import that tolerates tsx's CommonJS
 * wrapping) and `migratedDb()`, which migrates the fresh data dir and resolves to `{ db, env }`.
 */
const PRELUDE = `
const path = require('node:path')
const fs = require('node:fs')
const load = async (file) => { const m = await import(file); return { ...(m.default ?? {}), ...m } }
const migratedDb = async () => {
  const { loadEnv } = await load(${JSON.stringify(path.join(projectRoot, 'lib/config/env.ts'))})
  const { migrateDatabase } = await load(${JSON.stringify(path.join(projectRoot, 'lib/cli/migrate.ts'))})
  const env = loadEnv({ DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL || undefined })
  migrateDatabase(env)
  return { ...(await load(${JSON.stringify(path.join(projectRoot, 'lib/server/db/index.ts'))})), env }
}
`

/** `databaseUrl`: a PostgreSQL database to run on (migrated by `migratedDb()`); SQLite in the fresh data dir otherwise. */
export function runServerScript<T>(code: { eval: string } | { file: string }, name: string, databaseUrl = ''): T {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`))
  try {
    const output = execFileSync(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', ...('eval' in code ? ['-e', PRELUDE + code.eval] : [path.join(projectRoot, code.file)])],
      {
        cwd: projectRoot,
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', BATCHBOARD_AUTH: 'off', HOSTNAME: '127.0.0.1' },
      },
    )
    return JSON.parse(output.trim().split('\n').at(-1)!) as T
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The p-th percentile of `values` (nearest rank), in any order. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

export const ms = (value: number) => `${value.toFixed(1)} ms`
