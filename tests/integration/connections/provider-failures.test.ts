import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBatch } from '@/lib/actions/batches'
import { saveConnection } from '@/lib/actions/connections'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { waitFor } from '@/tests/support/engine'
import { startFakeAnthropic, type FakeAnthropic } from '@/tests/support/fake-anthropic'
import { startFakeGemini, type FakeGemini } from '@/tests/support/fake-gemini'
import { providerBatchLines } from '@/tests/support/provider-lines'

// Issue 16's failure paths on the Anthropic and Gemini kinds, through the product's own path (actions, the remote
// lifecycle's retries and the sync loop) against the fake providers: a 429 is repeated after a backoff (Anthropic's
// Retry-After honoured), a 5xx on a status read is retried by the sync loop with a growing delay until the batch
// completes, and a 4xx is shown in the provider's own words. The times asserted are lower bounds (a wait happened),
// never speed.

let anthropic: FakeAnthropic
let gemini: FakeGemini
let sync: ReturnType<typeof startSync>
const connections = { anthropic: '', gemini: '' }
const MIN_SYNC_MS = 300

beforeAll(async () => {
  anthropic = await startFakeAnthropic()
  gemini = await startFakeGemini()
  sync = startSync({ pollMs: 40, minMs: MIN_SYNC_MS, maxMs: 5_000 })
  for (const [kind, fake] of [
    ['anthropic', anthropic],
    ['gemini', gemini],
  ] as const) {
    const saved = await saveConnection({ kind, name: `Failing ${kind}`, baseUrl: fake.baseURL, apiKey: fake.apiKey, defaultMaxTokens: 256 })
    if (!saved.ok) throw new Error(saved.error.message)
    connections[kind] = saved.data.id
  }
})

afterAll(async () => {
  await sync.stop()
  await anthropic.close()
  await gemini.close()
})

async function start(connectionId: string, model: string) {
  const temp = path.join(os.tmpdir(), `provider-failures-${randomBytes(6).toString('hex')}.jsonl`)
  await writeFile(temp, `${providerBatchLines(model, 5).join('\n')}\n`)
  const { file } = await ingestFile(temp, { filename: 'failures.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] })
}

describe.each([
  {
    kind: 'anthropic' as const,
    name: 'Failing anthropic',
    model: 'claude-sonnet-4-6',
    create: /^\/v1\/messages\/batches$/,
    retrievePrefix: '/v1/messages/batches/',
    // platform.claude.com/docs/en/api/errors: 429 rate_limit_error with retry-after; 529 overloaded_error.
    rateLimit: { status: 429, message: 'Number of request tokens has exceeded your per-minute rate limit.', headers: { 'retry-after': '1' } },
    minWaitMs: 1_000,
    serverError: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
    serverWords: '529 overloaded_error: Overloaded',
    refusal: { status: 403, type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
    refusalWords: '403 permission_error: Your API key does not have permission to use the specified resource.',
  },
  {
    kind: 'gemini' as const,
    name: 'Failing gemini',
    model: 'gemini-2.5-flash',
    create: /:batchGenerateContent$/,
    retrievePrefix: '/v1beta/batches/',
    // ai.google.dev/gemini-api/docs/troubleshooting: 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE; no Retry-After header,
    // so the first repeat waits the lifecycle's own backoff (500 ms, jittered down to half).
    rateLimit: { status: 429, message: 'You exceeded your current quota, please check your plan and billing details.' },
    minWaitMs: 250,
    serverError: { status: 503, message: 'The model is overloaded. Please try again later.' },
    serverWords: '503 UNAVAILABLE: The model is overloaded. Please try again later.',
    refusal: { status: 403, message: "Method doesn't allow unregistered callers (callers without established identity)." },
    refusalWords: "403 PERMISSION_DENIED: Method doesn't allow unregistered callers (callers without established identity).",
  },
])('the $kind kind', ({ kind, name, model, create, retrievePrefix, rateLimit, minWaitMs, serverError, serverWords, refusal, refusalWords }) => {
  const fake = () => (kind === 'anthropic' ? anthropic : gemini)

  it('repeats a create refused with 429 after a backoff, and starts the batch once', async () => {
    const before = fake().count('POST', create)
    fake().fail('POST', create, rateLimit)
    const started = Date.now()
    const result = await start(connections[kind], model)
    if (!result.ok) expect.fail(result.error.message)
    expect(Date.now() - started).toBeGreaterThanOrEqual(minWaitMs)
    expect(fake().count('POST', create) - before).toBe(2)
  })

  it('retries a 5xx on a status read from the sync loop with a growing delay, keeping the provider’s words, then completes', async () => {
    const result = await start(connections[kind], model)
    if (!result.ok) expect.fail(result.error.message)
    const row = () => db.batch.findUniqueOrThrow({ where: { id: result.data.id } })
    // This batch's status reads fail three times in a row before the provider answers again (the first read is
    // MIN_SYNC_MS after the create, so the faults are in place before it).
    const { remoteId } = await row()
    const retrieve = new RegExp(`^${retrievePrefix}${remoteId!.replace(/^batches\//, '')}$`)
    fake().fail('GET', retrieve, serverError, 3)

    const failing = await waitFor(row, (batch) => batch.syncFailures >= 2, 20_000)
    expect(failing.syncError).toContain(serverWords)
    // Backoff: after the second failure the next read waits at least twice the shortest interval.
    expect(failing.nextSyncAt!.getTime() - failing.updatedAt.getTime()).toBeGreaterThanOrEqual(2 * MIN_SYNC_MS - 50)

    const done = await waitFor(row, (batch) => ['completed', 'expired'].includes(batch.status) && batch.nextSyncAt === null, 30_000)
    expect(done).toMatchObject({ syncError: null, syncFailures: 0, requestCountTotal: 5 })
    expect(fake().count('GET', retrieve)).toBeGreaterThanOrEqual(5)
  })

  it('shows a 4xx on create in the provider’s words, and starts nothing', async () => {
    fake().fail('POST', create, refusal)
    const batches = await db.batch.count({ where: { connectionId: connections[kind] } })
    const result = await start(connections[kind], model)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.message).toBe(`${name} could not create the batch: ${refusalWords} The uploaded input file was deleted again; nothing was started.`)
    expect(await db.batch.count({ where: { connectionId: connections[kind] } })).toBe(batches)
  })
})
