import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // Read when lib/server/env is first imported, so it must be set before any import below runs.
  process.env.BATCHBOARD_API_KEY = 'test-env-key-123'
})

import { createApiKey, revokeApiKey } from '@/lib/server/api-keys'
import { db } from '@/lib/server/db'
import { saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'
import { chatFile, chatLine } from '@/tests/support/batch-files'
import { FAST_ENGINE, parseResultLines, waitFor } from '@/tests/support/engine'
import { startV1Server } from '@/tests/support/v1-server'

let server: Awaited<ReturnType<typeof startV1Server>>
let scheduler: Scheduler
let slow: Simulator
let client: OpenAI

const TERMINAL = ['completed', 'failed', 'expired', 'cancelled']

beforeAll(async () => {
  server = await startV1Server()
  scheduler = startScheduler(FAST_ENGINE)
  slow = await startSimulator({ latencyMs: 100 })
  await saveUpstream({ name: 'slow', baseUrl: slow.url, models: ['slow-*'], maxConcurrency: 2 })
  const { key } = await createApiKey({ name: 'tests' })
  client = new OpenAI({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 })
})

afterAll(async () => {
  await scheduler.stop()
  await slow.close()
  await server.close()
})

const upload = async (text: string, name = 'batch.jsonl') => client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'batch' })
const settle = (id: string) =>
  waitFor(
    () => client.batches.retrieve(id),
    (batch) => TERMINAL.includes(batch.status),
  )
const contentOf = async (fileId: string) => (await client.files.content(fileId)).text()

async function expectApiError(promise: Promise<unknown>, status: number, error: Record<string, unknown>) {
  const caught = await promise.then(
    () => expect.fail('expected the call to fail'),
    (e: unknown) => e,
  )
  expect(caught).toBeInstanceOf(OpenAI.APIError)
  const apiError = caught as InstanceType<typeof OpenAI.APIError>
  expect(apiError.status).toBe(status)
  expect(apiError.error).toEqual(error)
  expect(apiError.requestID).toMatch(/^req_/)
}

describe('the /v1 API with the official SDK', () => {
  it('runs a batch on the simulator and returns every line exactly once in the output and error files', async () => {
    const good = chatFile(40, { model: 'sim-chat' })
    const bad = JSON.stringify({
      custom_id: 'bad-cap',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'sim-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: -1 },
    })
    const file = await upload(`${good}${bad}\n`)
    expect(file).toEqual({
      id: expect.stringMatching(/^file-/),
      object: 'file',
      bytes: Buffer.byteLength(`${good}${bad}\n`),
      created_at: expect.any(Number),
      expires_at: file.created_at + 30 * 86_400,
      filename: 'batch.jsonl',
      purpose: 'batch',
      status: 'processed',
      status_details: null,
    })

    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { project: 'tests' },
    })
    expect(created).toMatchObject({
      object: 'batch',
      status: 'validating',
      input_file_id: file.id,
      completion_window: '24h',
      expires_at: created.created_at + 86_400,
      metadata: { project: 'tests' },
      request_counts: { total: 0, completed: 0, failed: 0 },
    })
    for (const key of [
      'errors',
      'output_file_id',
      'error_file_id',
      'in_progress_at',
      'finalizing_at',
      'completed_at',
      'failed_at',
      'expired_at',
      'cancelling_at',
      'cancelled_at',
      'model',
      'usage',
    ]) {
      expect(created).toHaveProperty(key, null)
    }

    const batch = await settle(created.id)
    expect(batch).toMatchObject({ status: 'completed', model: 'sim-chat', errors: null, request_counts: { total: 41, completed: 40, failed: 1 } })
    for (const key of ['in_progress_at', 'finalizing_at', 'completed_at'] as const) expect(batch[key]).toEqual(expect.any(Number))
    expect(batch.failed_at).toBeNull()
    expect(batch.usage!.total_tokens).toBe(batch.usage!.input_tokens + batch.usage!.output_tokens)
    expect(batch.usage!.input_tokens).toBeGreaterThan(0)

    const output = parseResultLines(await contentOf(batch.output_file_id!))
    const errors = parseResultLines(await contentOf(batch.error_file_id!))
    const ids = [...output, ...errors].map((line) => line.custom_id).sort()
    expect(ids).toEqual([...Array.from({ length: 40 }, (_, i) => `request-${i + 1}`), 'bad-cap'].sort())
    expect(output[0]).toMatchObject({
      id: expect.stringMatching(/^batch_req_/),
      response: {
        status_code: 200,
        request_id: expect.stringMatching(/^req_/),
        body: { object: 'chat.completion', system_fingerprint: 'batchboard-simulator', simulated: true },
      },
      error: null,
    })
    expect(errors).toEqual([
      {
        id: expect.any(String),
        custom_id: 'bad-cap',
        error: null,
        response: {
          status_code: 400,
          request_id: expect.any(String),
          body: {
            error: expect.objectContaining({ type: 'invalid_request_error', param: 'max_tokens', message: expect.stringContaining("Invalid 'max_tokens'") }),
          },
        },
      },
    ])
    const usage = output.reduce((sum, line) => sum + (line.response!.body.usage as { total_tokens: number }).total_tokens, 0)
    expect(batch.usage!.total_tokens).toBe(usage)

    const outputFile = await client.files.retrieve(batch.output_file_id!)
    expect(outputFile).toMatchObject({ purpose: 'batch_output', status: 'processed', filename: `${batch.id}_output.jsonl` })
  })

  it('leaves output_file_id null when no line succeeded, and the batch is still completed', async () => {
    const lines = [1, 2].map((n) =>
      JSON.stringify({
        custom_id: `neg-${n}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'sim-chat', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 },
      }),
    )
    const file = await upload(`${lines.join('\n')}\n`)
    const batch = await settle((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id)
    expect(batch).toMatchObject({
      status: 'completed',
      output_file_id: null,
      error_file_id: expect.stringMatching(/^file-/),
      request_counts: { total: 2, completed: 0, failed: 2 },
    })
  })

  it('runs embeddings with deterministic vectors', async () => {
    const line = (id: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/embeddings', body: { model: 'sim-embed', input: 'the same text' } })
    const file = await upload(`${line('a')}\n${line('b')}\n`)
    const batch = await settle((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' })).id)
    expect(batch.error_file_id).toBeNull()
    const [a, b] = parseResultLines(await contentOf(batch.output_file_id!)).map((l) => (l.response!.body.data as { embedding: number[] }[])[0]!.embedding)
    expect(a).toHaveLength(64)
    expect(a).toEqual(b)
  })

  it('fails validation with OpenAI codes and 1-based line numbers', async () => {
    const text = `${chatLine({ customId: 'a', model: 'sim-chat' })}\n{not json\n${chatLine({ customId: 'a', model: 'sim-chat' })}\n`
    const file = await upload(text)
    const batch = await settle((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id)
    expect(batch).toMatchObject({
      status: 'failed',
      failed_at: expect.any(Number),
      in_progress_at: null,
      output_file_id: null,
      error_file_id: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
    })
    expect(batch.errors!.data!.map((e) => [e.code, e.line, e.param])).toEqual([
      ['invalid_json_line', 2, null],
      ['duplicate_custom_id', 3, 'custom_id'],
    ])
  })

  it('creates a batch for a file that does not exist, which then fails like OpenAI', async () => {
    const created = await client.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' })
    expect(created.status).toBe('validating')
    const batch = await settle(created.id)
    expect(batch.status).toBe('failed')
    expect(batch.input_file_id).toBe('file-nope')
    expect(batch.errors).toEqual({
      object: 'list',
      data: [
        {
          code: 'invalid_request',
          param: 'file_id',
          line: null,
          message: expect.stringMatching(/^Cannot find file file-nope, or organization .* does not have access to it\.$/),
        },
      ],
    })
  })

  it('pages through batches newest first with has_more and after', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++)
      ids.push((await client.batches.create({ input_file_id: `file-page${i}`, endpoint: '/v1/chat/completions', completion_window: '24h' })).id)
    const first = await client.batches.list({ limit: 2 })
    expect(first.data.map((b) => b.id)).toEqual([ids[2], ids[1]])
    expect(first.has_more).toBe(true)
    const second = await first.getNextPage()
    expect(second.data[0]!.id).toBe(ids[0])
    const all: string[] = []
    for await (const batch of client.batches.list({ limit: 5 })) all.push(batch.id)
    expect(new Set(all).size).toBe(all.length)
    expect(all.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]])
    expect(all.length).toBe(await db.batch.count({ where: { connectionId: 'builtin' } }))
    const last = await client.batches.list({ limit: 100, after: all.at(-2) })
    expect(last.data.map((b) => b.id)).toEqual([all.at(-1)])
    expect(last.has_more).toBe(false)
  })

  it('lists, filters and deletes files', async () => {
    const a = await upload(chatFile(1, { model: 'sim-chat' }), 'a.jsonl')
    const b = await client.files.create({ file: await toFile(Buffer.from('notes'), 'notes.txt'), purpose: 'user_data' })
    const batchFiles = await client.files.list({ purpose: 'batch' })
    expect(batchFiles.data.every((f) => f.purpose === 'batch')).toBe(true)
    expect(batchFiles.data[0]!.id).toBe(a.id)
    const asc = await client.files.list({ order: 'asc', limit: 1 })
    expect(asc.has_more).toBe(true)
    const desc = await client.files.list({ limit: 1 })
    expect(desc.data[0]!.id).toBe(b.id)
    expect(await client.files.delete(b.id)).toEqual({ id: b.id, object: 'file', deleted: true })
    await expectApiError(client.files.retrieve(b.id), 404, { message: `No such File object: ${b.id}`, type: 'invalid_request_error', param: 'id', code: null })
  })

  it('cancels a running batch, keeping partial results and marking the rest batch_cancelled', async () => {
    const file = await upload(chatFile(30, { model: 'slow-model' }))
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
    await waitFor(
      () => client.batches.retrieve(created.id),
      (b) => b.request_counts!.completed >= 2,
    )
    const cancelling = await client.batches.cancel(created.id)
    expect(['cancelling', 'cancelled']).toContain(cancelling.status)
    expect(cancelling.cancelling_at).toEqual(expect.any(Number))
    const batch = await settle(created.id)
    expect(batch.status).toBe('cancelled')
    expect(batch.cancelled_at).toEqual(expect.any(Number))
    const output = parseResultLines(await contentOf(batch.output_file_id!))
    const errors = parseResultLines(await contentOf(batch.error_file_id!))
    expect(output.length).toBeGreaterThanOrEqual(2)
    expect(output.length).toBeLessThan(30)
    expect(errors.length).toBe(30 - output.length)
    expect(errors.every((l) => l.response === null && l.error?.code === 'batch_cancelled')).toBe(true)
    expect(new Set([...output, ...errors].map((l) => l.custom_id)).size).toBe(30)
    expect(batch.request_counts).toEqual({ total: 30, completed: output.length, failed: errors.length })
    // Cancelling a cancelled batch is allowed and changes nothing.
    expect(await client.batches.cancel(created.id)).toMatchObject({ status: 'cancelled', cancelled_at: batch.cancelled_at })
  })

  it('expires a batch whose window runs out, writing batch_expired for the lines not run', async () => {
    const file = await upload(chatFile(30, { model: 'slow-model' }))
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '10s' as '24h' })
    expect(created.expires_at).toBe(created.created_at + 10)
    await waitFor(
      () => client.batches.retrieve(created.id),
      (b) => b.request_counts!.completed >= 2,
    )
    // Time travel instead of waiting out the window: the runner reads expires_at from the database.
    await db.batch.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    const batch = await settle(created.id)
    expect(batch).toMatchObject({ status: 'expired', expired_at: expect.any(Number), completed_at: null })
    const output = parseResultLines(await contentOf(batch.output_file_id!))
    const errors = parseResultLines(await contentOf(batch.error_file_id!))
    expect(errors.length).toBe(30 - output.length)
    expect(errors[0]).toMatchObject({
      response: null,
      error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
    })
    expect(new Set([...output, ...errors].map((l) => l.custom_id)).size).toBe(30)
  })

  it('answers with OpenAI error bodies and status codes', async () => {
    const file = await upload(chatFile(1, { model: 'sim-chat' }))
    await expectApiError(client.batches.create({ input_file_id: file.id, endpoint: '/v1/x' as '/v1/chat/completions', completion_window: '24h' }), 400, {
      message: expect.stringMatching(/^Invalid value: '\/v1\/x'\. Supported values are: '\/v1\/chat\/completions'/),
      type: 'invalid_request_error',
      param: 'endpoint',
      code: 'invalid_value',
    })
    await expectApiError(
      client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '48x' as '24h' }),
      400,
      expect.objectContaining({ param: 'completion_window', code: 'invalid_value' }),
    )
    await expectApiError(
      client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: { tags: ['a'] as unknown as string },
      }),
      400,
      {
        message: "Invalid type for 'metadata.tags': expected a string, but got an array instead.",
        type: 'invalid_request_error',
        param: 'metadata.tags',
        code: 'invalid_type',
      },
    )
    await expectApiError(client.batches.create({ endpoint: '/v1/chat/completions', completion_window: '24h' } as never), 400, {
      message: "Missing required parameter: 'input_file_id'.",
      type: 'invalid_request_error',
      param: 'input_file_id',
      code: 'missing_required_parameter',
    })
    await expectApiError(client.files.create({ file: await toFile(Buffer.from('{}'), 'data.csv'), purpose: 'batch' }), 400, {
      message: 'Invalid file format for Batch API. Must be .jsonl',
      type: 'invalid_request_error',
      param: null,
      code: null,
    })
    await expectApiError(client.batches.retrieve('batch_nope'), 404, expect.objectContaining({ type: 'invalid_request_error', code: null }))
    await expectApiError(client.files.content('file-nope'), 404, expect.objectContaining({ message: 'No such File object: file-nope' }))

    const done = await settle((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id)
    expect(done.status).toBe('completed')
    await expectApiError(client.batches.cancel(done.id), 409, {
      message: "Cannot cancel a batch with status 'completed'.",
      type: 'invalid_request_error',
      param: null,
      code: null,
    })
  })

  it('refuses requests without a valid key, and accepts BATCHBOARD_API_KEY and unrevoked app keys', async () => {
    const noKey = await fetch(`${server.baseURL}/batches`)
    expect(noKey.status).toBe(401)
    expect(noKey.headers.get('x-request-id')).toMatch(/^req_/)
    expect(await noKey.json()).toEqual({
      error: { message: expect.stringContaining("You didn't provide an API key"), type: 'invalid_request_error', param: null, code: null },
    })

    const wrong = new OpenAI({ baseURL: server.baseURL, apiKey: 'sk-wrong-key-abcdef', maxRetries: 0 })
    await expectApiError(wrong.batches.list(), 401, {
      message: expect.stringMatching(/^Incorrect API key provided: sk-\*+cdef\./),
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    })

    const fromEnv = new OpenAI({ baseURL: server.baseURL, apiKey: 'test-env-key-123', maxRetries: 0 })
    expect((await fromEnv.batches.list()).data).toEqual(expect.any(Array))

    const made = await createApiKey({ name: 'short-lived' })
    const withMade = new OpenAI({ baseURL: server.baseURL, apiKey: made.key, maxRetries: 0 })
    expect((await withMade.files.list({ limit: 1 })).data).toHaveLength(1)
    await revokeApiKey(made.id)
    await expectApiError(withMade.files.list(), 401, expect.objectContaining({ code: 'invalid_api_key' }))
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: made.id } })).not.toHaveProperty('key')
  })
})
