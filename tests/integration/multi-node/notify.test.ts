import type { ChildProcess } from 'node:child_process'
import { createReadStream, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OpenAI from 'openai'
import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSession, isValidSession } from '@/lib/server/auth/sessions'
import { db, dbKind } from '@/lib/server/db'
import { waitFor } from '@/tests/support/engine'
import { chatFile } from '@/tests/support/batch-files'
import { exited, startAppServer, startWorker } from '@/tests/support/worker'

// LISTEN/NOTIFY between processes (lib/server/db/notify.ts): what one process changes, the others act on at once
// rather than at their next poll. PostgreSQL only: on SQLite a process wakes only itself.
const API_KEY = 'notify-test-key-0123456789'
// Far longer than any wait below: only a wake-up can explain a worker starting a batch within the test's bounds.
const WORKER_POLL_MS = 120_000

const children: ChildProcess[] = []
const tracked = async <T extends ChildProcess>(starting: Promise<T>): Promise<T> => {
  const child = await starting
  children.push(child)
  return child
}

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await Promise.all(children.splice(0).map(exited))
})

/**
 * Waits until `count` processes listen on this database (their LISTEN connection's last statement is the last of its
 * LISTENs), then a moment more: a listener that connects looks at everything once (notify.ts), and that look must not
 * be what a test sees.
 */
async function listenersReady(count: number) {
  await waitFor(
    () => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'batchboard-listen' AND query = 'LISTEN batchboard_sessions'`,
    (rows) => rows[0]!.n >= count,
    60_000,
  )
  await new Promise((resolve) => setTimeout(resolve, 1_000))
}

/** A process that, once it reads a line on stdin, deletes the session the way the logout action does, then exits. */
async function startSessionChild(token: string): Promise<ChildProcess> {
  const code = `
    // tsx may hand an eval'd import() the module as CommonJS (exports under default).
    const sessions = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../../lib/server/auth/sessions.ts'))})
    const { deleteSession } = { ...(sessions.default ?? {}), ...sessions }
    process.stdin.once('data', async () => { await deleteSession(process.env.SESSION_TOKEN); process.exit(0) })
    console.log('ready')`
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: { ...process.env, SESSION_TOKEN: token, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the session child exited with ${code} before it was ready`)))
  })
  return child
}

describe.skipIf(dbKind !== 'postgresql')('wake-ups between processes on PostgreSQL (skipped on SQLite: one process wakes itself)', () => {
  it('a batch created through a server is run by a worker well before the worker’s next poll', { timeout: 120_000 }, async () => {
    const env = { BATCHBOARD_API_KEY: API_KEY, LOG_LEVEL: 'warn' }
    const [server] = await Promise.all([
      tracked(startAppServer({ ...env, BATCHBOARD_ENGINE: 'off' })),
      tracked(startWorker({ ...env, BATCHBOARD_ENGINE_POLL_MS: String(WORKER_POLL_MS) })),
    ])
    await listenersReady(2)
    const client = new OpenAI({ baseURL: `${server.origin}/v1`, apiKey: API_KEY, maxRetries: 0 })
    const input = path.join(os.tmpdir(), `notify-${process.pid}.jsonl`)
    writeFileSync(input, chatFile(5, { model: 'sim-chat' }))
    const file = await client.files.create({ file: createReadStream(input), purpose: 'batch' })
    const created = Date.now()
    const { id } = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    // The server runs no engine: only the worker can take the batch past validating.
    let batch = await client.batches.retrieve(id)
    while (batch.status !== 'completed') {
      expect(['validating', 'in_progress', 'finalizing'], `status of ${id}`).toContain(batch.status)
      expect(Date.now() - created, 'the worker ran the batch within 20 s of its creation').toBeLessThan(20_000)
      await new Promise((resolve) => setTimeout(resolve, 50))
      batch = await client.batches.retrieve(id)
    }
    expect(batch.request_counts).toMatchObject({ total: 5, completed: 5, failed: 0 })
    expect(Date.now() - created).toBeLessThan(WORKER_POLL_MS / 4)
  })

  it('a logout in one process is refused at once by another that has the session cached', { timeout: 120_000 }, async () => {
    // This process plays server B: it checks the session (and caches it as live). Server A is a child process that
    // logs the session out as the logout action does (deleteSession) when told to.
    const { token } = await createSession()
    const serverA = await tracked(startSessionChild(token))
    expect(await isValidSession(token)).toBe(true)
    await listenersReady(1)
    // Date stands still from here: B's cached answer can no longer expire, so only the wake-up can make B refuse.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      expect(await isValidSession(token)).toBe(true)
      serverA.stdin!.end('logout\n')
      await exited(serverA)
      expect(serverA.exitCode).toBe(0)
      // performance.now, not Date: Date is stopped.
      const deadline = performance.now() + 10_000
      let valid = await isValidSession(token)
      while (valid && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10))
        valid = await isValidSession(token)
      }
      expect(valid, 'B refuses the session while its cached answer is still fresh').toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})
