import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

/**
 * `npm run worker` without npm in between, so the pid a test kills is the worker itself. Resolves once the
 * worker runs batches; `stderr` collects what it logged there.
 */
export async function startWorker(env: Record<string, string>): Promise<ChildProcess & { stderrText: () => string }> {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/cli/worker.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, DATA_DIR: process.env.DATA_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    process.stderr.write(chunk)
  })
  // The worker migrates the database first; polling it from here meanwhile would hold up the migration's lock.
  await workerReady(child)
  return Object.assign(child, { stderrText: () => stderr })
}

/** Resolves once a worker started with its stdout piped says it runs batches; rejects if it exits first. */
export function workerReady(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes('is running builtin batches')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it was ready`)))
  })
}

/**
 * A server process (tests/support/app-server-child.ts): the app's route handlers on a loopback port plus the
 * background work `npm start` runs. Resolves with its origin once it answers.
 */
export async function startAppServer(env: Record<string, string>): Promise<ChildProcess & { origin: string }> {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'tests/support/app-server-child.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, DATA_DIR: process.env.DATA_DIR, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const origin = await new Promise<string>((resolve, reject) => {
    let seen = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const match = /listening (\S+)/.exec(seen)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)))
  })
  return Object.assign(child, { origin })
}

export const exited = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))
