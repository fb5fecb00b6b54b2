import { writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { createAnthropicBatchClient } from '@/lib/server/providers/anthropic/client'
import { convertAnthropicResults } from '@/lib/server/providers/anthropic/results'
import { mapAnthropicBatch } from '@/lib/server/providers/anthropic/status'
import { startFakeAnthropic } from '@/tests/support/fake-anthropic'
import { lineKind, readJsonl, providerTestRig, writeProviderBatchFile } from '@/tests/support/provider-batch-file'

const MODEL = 'claude-sonnet-4-6'

const rig = providerTestRig('anthropic-', startFakeAnthropic, (fake) =>
  createAnthropicBatchClient({ apiKey: fake.apiKey, baseURL: fake.baseURL, defaultMaxTokens: 512, timeoutMs: 5_000 }),
)

async function createFrom200Lines() {
  const input = rig.nextInputPath()
  await writeProviderBatchFile(input, MODEL)
  const created = await rig.client.createBatch({ path: input })
  if (!created.ok) throw new Error(JSON.stringify(created.errors))
  return created.batch
}

describe('Anthropic Message Batches through the official SDK', () => {
  it('creates a batch from a 200-line OpenAI-format file, polls it to the end and converts its results line by line', async () => {
    const batch = await createFrom200Lines()
    const sent = rig.fake.received.get(batch.id)!
    expect(sent).toHaveLength(200)
    const byId = new Map(sent.map((request) => [request.custom_id, request.params]))
    expect(byId.get('req-1')).toMatchObject({ system: [{ type: 'text', text: 'You answer briefly.' }], messages: [{ role: 'user' }] })
    expect(byId.get('req-2')!.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: expect.any(String) } },
        ],
      },
    ])
    expect(byId.get('req-3')).toMatchObject({ tools: [{ name: 'get_weather', input_schema: { type: 'object' } }], tool_choice: { type: 'any' } })
    expect(byId.get('req-no-max')!.max_tokens).toBe(512)
    expect(byId.get('req-4')!.max_tokens).toBe(64)

    let mapped = mapAnthropicBatch(await rig.client.retrieveBatch(batch.id), { inputFileId: 'file-local' })
    expect(mapped).toMatchObject({ providerStatus: 'in_progress', batch: { status: 'in_progress', request_counts: { total: 200, completed: 0, failed: 0 } } })
    mapped = mapAnthropicBatch(await rig.client.retrieveBatch(batch.id), { inputFileId: 'file-local' })
    // One request expired: the window ran out before it ran, so the batch is expired with partial results, as OpenAI's.
    expect(mapped).toMatchObject({ providerStatus: 'ended', batch: { status: 'expired', request_counts: { total: 200, completed: 198, failed: 2 } } })
    expect(mapped.batch.expired_at).toBeGreaterThan(0)

    const raw = rig.at(`${batch.id}_anthropic.jsonl`)
    await rig.client.downloadResults(batch.id, raw)
    expect(await readJsonl(raw)).toHaveLength(200)
    const outputPath = rig.at(`${batch.id}_output.jsonl`)
    const errorPath = rig.at(`${batch.id}_error.jsonl`)
    const totals = await convertAnthropicResults(raw, { outputPath, errorPath }, 1_700_000_000)
    expect(totals).toMatchObject({ succeeded: 198, failed: 2, unreadable: 0 })
    expect(totals.usage).toEqual({ input: 198 * 28, cached: 198 * 5, output: 198 * 7, reasoning: 0, total: 198 * 35 })

    const output = await readJsonl(outputPath)
    expect(output).toHaveLength(198)
    for (const line of output) {
      expect(line).toMatchObject({
        id: expect.stringMatching(/^batch_req_/),
        response: { status_code: 200, request_id: expect.stringMatching(/^req_/) },
        error: null,
      })
      const body = line.response.body
      expect(body).toMatchObject({ object: 'chat.completion', created: 1_700_000_000, model: MODEL })
      expect(body.usage).toMatchObject({ prompt_tokens: 28, completion_tokens: 7, total_tokens: 35, prompt_tokens_details: { cached_tokens: 5 } })
      const choice = body.choices[0]
      if (lineKind(line.custom_id) === 'tool') {
        expect(choice.finish_reason).toBe('tool_calls')
        expect(choice.message.content).toBeNull()
        expect(choice.message.tool_calls).toEqual([
          { id: expect.stringMatching(/^toolu_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ])
      } else {
        expect(choice.finish_reason).toBe('stop')
        expect(choice.message.content).toBe(
          `Answer to ${line.custom_id} (1 messages${lineKind(line.custom_id) === 'system' ? ', with a system prompt' : lineKind(line.custom_id) === 'image' ? ', with 1 image' : ''})`,
        )
      }
    }
    const errors = new Map((await readJsonl(errorPath)).map((line) => [line.custom_id, line]))
    expect(errors.get('req-errored')).toMatchObject({
      response: { status_code: 400, body: { error: { type: 'invalid_request_error', message: 'messages.0.content: the request req-errored was refused' } } },
      error: null,
    })
    expect(errors.get('req-expired')).toMatchObject({ response: null, error: { code: 'batch_expired' } })
  })

  it('cancels a batch: it reads as cancelling, then cancelled with every request in the error file', async () => {
    const batch = await createFrom200Lines()
    const cancelling = mapAnthropicBatch(await rig.client.cancelBatch(batch.id), { inputFileId: 'file-local' })
    expect(cancelling).toMatchObject({ providerStatus: 'canceling', batch: { status: 'cancelling', cancelling_at: expect.any(Number) } })
    const ended = mapAnthropicBatch(await rig.client.retrieveBatch(batch.id), { inputFileId: 'file-local' })
    expect(ended).toMatchObject({ providerStatus: 'ended', batch: { status: 'cancelled', request_counts: { total: 200, completed: 0, failed: 200 } } })
    const raw = rig.at(`${batch.id}_anthropic.jsonl`)
    await rig.client.downloadResults(batch.id, raw)
    const errorPath = rig.at(`${batch.id}_error.jsonl`)
    const totals = await convertAnthropicResults(raw, { outputPath: rig.at(`${batch.id}_output.jsonl`), errorPath }, 0)
    expect(totals).toMatchObject({ succeeded: 0, failed: 200 })
    expect((await readJsonl(errorPath)).every((line) => line.error.code === 'batch_cancelled')).toBe(true)
  })

  it('deletes only ended batches, saying why otherwise', async () => {
    const batch = await createFrom200Lines()
    const refused = await rig.client.deleteBatch(batch.id).catch((error: unknown) => rig.client.describeError(error))
    expect(refused).toEqual({
      status: 400,
      message: `400 invalid_request_error: Batch ${batch.id} cannot be deleted while it is in progress. Cancel it and wait for it to end first.`,
    })
    await rig.client.retrieveBatch(batch.id)
    await rig.client.retrieveBatch(batch.id)
    expect(await rig.client.deleteBatch(batch.id)).toEqual({ id: batch.id, deleted: true })
    const gone = await rig.client.retrieveBatch(batch.id).catch((error: unknown) => rig.client.describeError(error))
    expect(gone).toMatchObject({ status: 404 })
  })

  it('lists batches newest first, a page at a time', async () => {
    const ids = []
    for (let i = 0; i < 3; i++) {
      ids.push((await createFrom200Lines()).id)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const first = await rig.client.listBatches({ limit: 2 })
    expect(first.data.map((batch) => batch.id)).toEqual([ids[2], ids[1]])
    expect(first.hasMore).toBe(true)
    const second = await rig.client.listBatches({ limit: 2, after: first.lastId! })
    expect(second.data.map((batch) => batch.id)).toEqual([ids[0]])
    expect(second.hasMore).toBe(false)
  })

  it('sends nothing when a line does not translate, and names the line and what to change', async () => {
    const input = rig.at('untranslatable.jsonl')
    const line = (id: string, body: Record<string, unknown>) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body })
    await writeFile(
      input,
      [
        line('ok-1', { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
        line('two-answers', { model: MODEL, max_tokens: 10, n: 2, messages: [{ role: 'user', content: 'hi' }] }),
        line('ok-2', { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      ].join('\n'),
    )
    const created = await rig.client.createBatch({ path: input })
    expect(created).toEqual({
      ok: false,
      errorCount: 1,
      errors: [{ line: 2, param: 'body.n', message: 'Anthropic returns one answer per request: remove "n" and repeat the line with new custom_ids instead.' }],
    })
    expect(rig.fake.count('POST', /^\/v1\/messages\/batches$/)).toBe(0)
  })
})

describe('Anthropic errors and retries', () => {
  it('retries a 429 and a 5xx on reads with backoff, then succeeds', async () => {
    const batch = await createFrom200Lines()
    const batchPath = new RegExp(`^/v1/messages/batches/${batch.id}$`)
    rig.fake.fail('GET', batchPath, { status: 429, headers: { 'retry-after-ms': '20' } })
    expect((await rig.client.retrieveBatch(batch.id)).id).toBe(batch.id)
    expect(rig.fake.count('GET', batchPath)).toBe(2)
    rig.fake.fail('GET', /^\/v1\/messages\/batches$/, { status: 529, type: 'overloaded_error', headers: { 'retry-after-ms': '20' } })
    rig.fake.fail('GET', /^\/v1\/messages\/batches$/, { status: 500, headers: { 'retry-after-ms': '20' } })
    expect((await rig.client.listBatches()).data).toHaveLength(1)
    expect(rig.fake.count('GET', /^\/v1\/messages\/batches$/)).toBe(3)
  })

  it('repeats a create refused with 429, but never one that failed with 5xx (it may have been created)', async () => {
    rig.fake.fail('POST', /^\/v1\/messages\/batches$/, { status: 429, headers: { 'retry-after-ms': '20' } })
    await createFrom200Lines()
    expect(rig.fake.count('POST', /^\/v1\/messages\/batches$/)).toBe(2)
    expect(rig.fake.received.size).toBe(1)

    rig.fake.fail('POST', /^\/v1\/messages\/batches$/, { status: 500, message: 'Internal server error' })
    const failed = await createFrom200Lines().catch((error: unknown) => rig.client.describeError(error))
    expect(failed).toEqual({ status: 500, message: '500 api_error: Internal server error' })
    expect(rig.fake.count('POST', /^\/v1\/messages\/batches$/)).toBe(3)
  })

  it("surfaces a 4xx in Anthropic's words, and never the key", async () => {
    const batch = await createFrom200Lines()
    rig.fake.fail('POST', /cancel$/, {
      status: 403,
      type: 'permission_error',
      message: `This API key (${rig.fake.apiKey}) may not cancel batches of workspace wrk_1.`,
    })
    const refused = await rig.client.cancelBatch(batch.id).catch((error: unknown) => rig.client.describeError(error))
    expect(refused).toEqual({ status: 403, message: '403 permission_error: This API key ([redacted]) may not cancel batches of workspace wrk_1.' })

    const wrongKey = 'sk-ant-api03-wrong-key-0123456789'
    const stranger = createAnthropicBatchClient({ apiKey: wrongKey, baseURL: rig.fake.baseURL, maxRetries: 0 })
    const denied = await stranger.retrieveBatch(batch.id).catch((error: unknown) => stranger.describeError(error))
    expect(denied).toEqual({ status: 401, message: '401 authentication_error: invalid x-api-key' })
    expect(JSON.stringify(denied)).not.toContain(wrongKey)
  })
})
