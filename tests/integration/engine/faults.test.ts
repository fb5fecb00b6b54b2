import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/lib/server/db'
import { createEngineBatch, saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, parseResultLines, waitFor } from '@/tests/support/engine'

let scheduler: Scheduler
let simulator: Simulator

beforeAll(async () => {
  scheduler = startScheduler(FAST_ENGINE)
  simulator = await startSimulator()
  // Only the timeout tests use the 1 s timeout: on a loaded machine an answer can take longer than that, and a retry
  // it causes would add a request the 500 and 429 tests do not expect.
  await saveUpstream({ name: 'flaky', baseUrl: simulator.url, models: ['flaky-*'], maxConcurrency: 8, timeoutMs: 60_000 })
  await saveUpstream({ name: 'slow', baseUrl: simulator.url, models: ['slow-*'], maxConcurrency: 8, timeoutMs: 1000 })
  await saveUpstream({ name: 'gone', baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, models: ['gone-*'], maxConcurrency: 4, timeoutMs: 1000 })
})

/** A loopback port nobody listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

afterAll(async () => {
  await scheduler.stop()
  await simulator.close()
})

afterEach(() => simulator.configure({ errorRate: 0, rateLimitRate: 0, timeoutRate: 0 }))

async function runBatch(lines: number, model = 'flaky-model') {
  const temp = path.join(os.tmpdir(), `faults-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, chatFile(lines, { model }))
  const { file } = await ingestFile(temp, { filename: 'faults.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const created = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
  const batch = await waitFor(
    () => db.batch.findUniqueOrThrow({ where: { id: created.id } }),
    (b) => b.status === 'completed',
    30_000,
  )
  const read = async (id: string | null) =>
    id ? parseResultLines(readFileSync(fromStoragePath((await db.file.findUniqueOrThrow({ where: { id } })).storagePath!), 'utf8')) : []
  return { batch, output: await read(batch.outputFileId), errors: await read(batch.errorFileId) }
}

const before = () => ({ ...simulator.stats })

describe('the engine against a faulty upstream', () => {
  it('retries 500s until every line succeeds, sending each line once per attempt', async () => {
    const start = before()
    simulator.configure({ errorRate: 0.2 })
    const { batch, output, errors } = await runBatch(150)
    const serverErrors = simulator.stats.serverErrors - start.serverErrors
    expect(serverErrors).toBeGreaterThan(0)
    expect(simulator.stats.requests - start.requests).toBe(150 + serverErrors)
    expect(batch).toMatchObject({ requestCountTotal: 150, requestCountCompleted: 150, requestCountFailed: 0 })
    expect(errors).toEqual([])
    expect(new Set(output.map((l) => l.custom_id)).size).toBe(150)
  })

  it('honours 429 with Retry-After and still completes every line', async () => {
    const start = before()
    simulator.configure({ rateLimitRate: 0.3, retryAfterMs: 20 })
    const { batch, output } = await runBatch(100)
    expect(simulator.stats.rateLimited - start.rateLimited).toBeGreaterThan(0)
    expect(batch).toMatchObject({ requestCountCompleted: 100, requestCountFailed: 0 })
    expect(output).toHaveLength(100)
  })

  it('retries requests that time out', async () => {
    const start = before()
    simulator.configure({ timeoutRate: 0.1 })
    const { batch, output } = await runBatch(60, 'slow-model')
    expect(simulator.stats.timeouts - start.timeouts).toBeGreaterThan(0)
    expect(batch).toMatchObject({ requestCountCompleted: 60, requestCountFailed: 0 })
    expect(new Set(output.map((l) => l.custom_id)).size).toBe(60)
  })

  it('gives up after the maximum attempts and writes the last error to the error file', async () => {
    const start = before()
    simulator.configure({ errorRate: 1 })
    const { batch, output, errors } = await runBatch(4)
    expect(simulator.stats.requests - start.requests).toBe(4 * FAST_ENGINE.maxAttempts)
    expect(batch).toMatchObject({ requestCountCompleted: 0, requestCountFailed: 4, outputFileId: null })
    expect(output).toEqual([])
    expect(errors.map((l) => l.response?.status_code)).toEqual([500, 500, 500, 500])
    expect(errors[0]!.response!.body).toEqual({ error: expect.objectContaining({ type: 'server_error' }) })
  })

  it('writes a 504 upstream_timeout line when every attempt times out', async () => {
    simulator.configure({ timeoutRate: 1 })
    const { batch, errors } = await runBatch(1, 'slow-model')
    expect(batch).toMatchObject({ requestCountCompleted: 0, requestCountFailed: 1 })
    expect(errors.map((l) => l.response?.status_code)).toEqual([504])
    expect(errors[0]!.response!.body).toEqual({
      error: expect.objectContaining({ code: 'upstream_timeout', message: 'The upstream did not answer within 1 s.' }),
    })
  })

  it('writes a 502 upstream_unreachable line, naming the cause, when the upstream refuses connections', async () => {
    const { batch, errors } = await runBatch(3, 'gone-model')
    expect(batch).toMatchObject({ requestCountCompleted: 0, requestCountFailed: 3 })
    expect(errors.map((l) => l.response?.status_code)).toEqual([502, 502, 502])
    expect(errors[0]!.response!.body).toEqual({
      error: expect.objectContaining({ code: 'upstream_unreachable', message: expect.stringContaining('ECONNREFUSED') }),
    })
  })

  it('does not retry a 400: the line goes to the error file after one request', async () => {
    const start = before()
    const temp = path.join(os.tmpdir(), `bad-${Date.now()}.jsonl`)
    writeFileSync(
      temp,
      `${JSON.stringify({ custom_id: 'x', method: 'POST', url: '/v1/chat/completions', body: { model: 'flaky-model', messages: [{ role: 'user', content: 'x' }], max_tokens: -5 } })}\n`,
    )
    const { file } = await ingestFile(temp, { filename: 'bad.jsonl', rejectInvalid: true, reuseDuplicate: false })
    const created = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
    const batch = await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id: created.id } }),
      (b) => b.status === 'completed',
    )
    expect(simulator.stats.requests - start.requests).toBe(1)
    expect(batch).toMatchObject({ requestCountFailed: 1, requestCountCompleted: 0 })
  })

  it('fails validation when no upstream serves the model', async () => {
    const temp = path.join(os.tmpdir(), `nomodel-${Date.now()}.jsonl`)
    writeFileSync(temp, chatFile(2, { model: 'gpt-unserved' }))
    const { file } = await ingestFile(temp, { filename: 'nomodel.jsonl', rejectInvalid: true, reuseDuplicate: false })
    const created = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
    const batch = await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id: created.id } }),
      (b) => b.status === 'failed',
    )
    expect(batch.errors).toEqual([
      { code: 'model_not_found', param: 'body.model', line: 1, message: expect.stringContaining("'gpt-unserved' is not supported") },
    ])
  })
})
