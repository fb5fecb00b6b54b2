import { afterAll, beforeAll, expect } from 'vitest'
import { db } from '@/lib/server/db'
import { saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'

/** JSON for a failure message: rows carry BigInt columns, which JSON.stringify refuses. */
const printable = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))

/** Polls until `read` returns something `done` accepts; fails with the last value if it never does. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await read()
  while (!done(value)) {
    if (Date.now() > deadline) expect.fail(`gave up waiting after ${timeoutMs} ms; last value: ${printable(value)?.slice(0, 500)}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
    value = await read()
  }
  return value
}

/** A remote batch once it has ended and its last sync is done (no next sync planned), with its result files. */
export const waitForSettledBatch = (id: string) =>
  waitFor(
    () => db.batch.findUniqueOrThrow({ where: { id }, include: { outputFile: true, errorFile: true } }),
    (batch) => ['completed', 'failed', 'expired', 'cancelled'].includes(batch.status) && batch.nextSyncAt === null,
    20_000,
  )

export type ResultLine = {
  id: string
  custom_id: string
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null
  error: { code: string; message: string } | null
}

export const parseResultLines = (text: string): ResultLine[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ResultLine)

/** Scheduler settings that keep integration tests quick: short polls, commits and backoffs. */
export const FAST_ENGINE = { pollMs: 50, watchMs: 50, flushMs: 50, backoffBaseMs: 10, backoffMaxMs: 50, maxAttempts: 10 }

/**
 * The engine's scheduler (fast settings) and a simulator upstream "sim" serving `sim-*` models, started before a
 * suite's tests and stopped after them. `pause` stops the scheduler (its batches handed back) until `resume`, so a test
 * can look at batches that no engine takes up meanwhile, however slow the machine.
 */
export function useEngineWithSimulator() {
  let scheduler: Scheduler | null = null
  let simulator: Simulator
  beforeAll(async () => {
    simulator = await startSimulator()
    await saveUpstream({ name: 'sim', baseUrl: simulator.url, models: ['sim-*'], maxConcurrency: 8, timeoutMs: 5000 })
    scheduler = startScheduler(FAST_ENGINE)
  })
  afterAll(async () => {
    await scheduler?.stop()
    await simulator.close()
  })
  return {
    async pause() {
      await scheduler?.stop()
      scheduler = null
    },
    resume() {
      scheduler ??= startScheduler(FAST_ENGINE)
    },
  }
}
