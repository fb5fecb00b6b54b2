import { expect } from 'vitest'

/** Polls until `read` returns something `done` accepts; fails with the last value if it never does. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await read()
  while (!done(value)) {
    if (Date.now() > deadline) expect.fail(`gave up waiting after ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 500)}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
    value = await read()
  }
  return value
}

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
