import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '@/lib/server/api-keys'
import { db } from '@/lib/server/db'
import { saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, parseResultLines, waitFor, type ResultLine } from '@/tests/support/engine'
import { startV1Server } from '@/tests/support/v1-server'

// Issue 20 item 1: a batch stopped at any moment, before it ran a line included, accounts for every input line.

let server: Awaited<ReturnType<typeof startV1Server>>
let simulator: Simulator
let client: OpenAI
let scheduler: Scheduler | null = null

const TERMINAL = ['completed', 'failed', 'expired', 'cancelled']

beforeAll(async () => {
  server = await startV1Server()
  simulator = await startSimulator({ latencyMs: 20 })
  await saveUpstream({ name: 'slow', baseUrl: simulator.url, models: ['slow-*'], maxConcurrency: 4 })
  const { key } = await createApiKey({ name: 'tests' })
  client = new OpenAI({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 })
})

afterAll(async () => {
  await scheduler?.stop()
  await simulator.close()
  await server.close()
})

/** No scheduler runs until a test has stopped its batch, so "before it started" is certain, not a race. */
const runScheduler = () => (scheduler ??= startScheduler(FAST_ENGINE))

const upload = async (text: string) => client.files.create({ file: await toFile(Buffer.from(text), 'batch.jsonl'), purpose: 'batch' })
const settle = (id: string) =>
  waitFor(
    () => client.batches.retrieve(id),
    (batch) => TERMINAL.includes(batch.status),
    60_000,
  )
const linesOf = async (fileId: string | null | undefined): Promise<ResultLine[]> =>
  fileId ? parseResultLines(await (await client.files.content(fileId)).text()) : []

/** Exactly one output-or-error line per input line, by custom_id. */
async function expectEveryLineOnce(batch: OpenAI.Batch, count: number) {
  const output = await linesOf(batch.output_file_id)
  const errors = await linesOf(batch.error_file_id)
  expect(output.length + errors.length).toBe(count)
  const ids = [...output, ...errors].map((line) => line.custom_id)
  expect(new Set(ids).size).toBe(count)
  expect(ids.every((id) => /^request-\d+$/.test(id) && Number(id.slice(8)) >= 1 && Number(id.slice(8)) <= count)).toBe(true)
  expect(batch.request_counts).toEqual({ total: count, completed: output.length, failed: errors.length })
  return { output, errors }
}

describe('a batch stopped before it ran', () => {
  it('cancelled right after create (not yet validated): every line is in the error file as batch_cancelled', async () => {
    const file = await upload(chatFile(500, { model: 'slow-model' }))
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    expect(await client.batches.cancel(created.id)).toMatchObject({ status: 'cancelling' })
    runScheduler()
    const batch = await settle(created.id)
    expect(batch).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(Number), in_progress_at: null, output_file_id: null })
    const { errors } = await expectEveryLineOnce(batch, 500)
    expect(errors.every((line) => line.response === null && line.error?.code === 'batch_cancelled')).toBe(true)
  })

  it('expired before it started: every line is in the error file as batch_expired', async () => {
    await scheduler?.stop()
    scheduler = null
    const file = await upload(chatFile(300, { model: 'slow-model' }))
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    await db.batch.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    runScheduler()
    const batch = await settle(created.id)
    expect(batch).toMatchObject({ status: 'expired', expired_at: expect.any(Number), in_progress_at: null, output_file_id: null })
    const { errors } = await expectEveryLineOnce(batch, 300)
    expect(errors[0]).toMatchObject({
      response: null,
      error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
    })
    expect(errors.every((line) => line.error?.code === 'batch_expired')).toBe(true)
  })

  it('cancelled while validating or just started (a 20,000-line file): still one line per input line', async () => {
    runScheduler()
    const file = await upload(chatFile(20_000, { model: 'slow-model' }))
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    await client.batches.cancel(created.id)
    const batch = await settle(created.id)
    expect(batch.status).toBe('cancelled')
    const { errors } = await expectEveryLineOnce(batch, 20_000)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((line) => line.error?.code === 'batch_cancelled')).toBe(true)
  })

  it('cancelled mid-run: the lines run are in the output, the rest batch_cancelled', async () => {
    runScheduler()
    const file = await upload(chatFile(400, { model: 'slow-model' }))
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    await waitFor(
      () => client.batches.retrieve(created.id),
      (b) => b.request_counts!.completed >= 5,
    )
    await client.batches.cancel(created.id)
    const batch = await settle(created.id)
    expect(batch.status).toBe('cancelled')
    const { output, errors } = await expectEveryLineOnce(batch, 400)
    expect(output.length).toBeGreaterThanOrEqual(5)
    expect(errors.every((line) => line.error?.code === 'batch_cancelled')).toBe(true)
  })

  it('a cancelled batch whose file is invalid fails with the line errors validation finds', async () => {
    await scheduler?.stop()
    scheduler = null
    const file = await upload(`${chatFile(3, { model: 'slow-model' })}not json\n`)
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    await client.batches.cancel(created.id)
    runScheduler()
    const batch = await settle(created.id)
    expect(batch.status).toBe('failed')
    expect(batch.errors?.data?.[0]).toMatchObject({ line: 4 })
  })
})
