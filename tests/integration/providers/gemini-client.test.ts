import { stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createGeminiBatchClient } from '@/lib/server/providers/gemini/client'
import { convertGeminiResults } from '@/lib/server/providers/gemini/results'
import { mapGeminiBatch } from '@/lib/server/providers/gemini/status'
import { startFakeGemini } from '@/tests/support/fake-gemini'
import { TINY_PNG_BASE64, lineKind, readJsonl, providerTestRig, writeProviderBatchFile } from '@/tests/support/provider-batch-file'

const MODEL = 'gemini-2.5-flash'

const rig = providerTestRig('gemini-', startFakeGemini, (fake) =>
  createGeminiBatchClient({ apiKey: fake.apiKey, baseURL: fake.baseURL, timeoutMs: 5_000, retryInitialDelayMs: 20 }),
)

async function createFrom200Lines() {
  const input = rig.nextInputPath()
  await writeProviderBatchFile(input, MODEL)
  const workPath = `${input}.gemini.jsonl`
  const created = await rig.client.createBatch({ path: input, workPath, displayName: `batchboard ${path.basename(input)}` })
  if (!created.ok) throw new Error(JSON.stringify(created.errors))
  await expect(stat(workPath)).rejects.toThrow()
  return created
}

describe('Gemini Batch Mode through the official SDK', () => {
  it('uploads a 200-line OpenAI-format file as Gemini requests, polls the job to the end and converts its responses line by line', async () => {
    const created = await createFrom200Lines()
    expect(created).toMatchObject({ requests: 200, kind: 'generate', model: `models/${MODEL}` })
    const sent = new Map(rig.fake.uploads.get(created.uploadedFile)!.map((line) => [line.key as string, line.request as Record<string, unknown>]))
    expect(sent.size).toBe(200)
    expect(sent.get('req-1')).toMatchObject({
      systemInstruction: { parts: [{ text: 'You answer briefly.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Question req-1' }] }],
    })
    expect(sent.get('req-2')!.contents).toEqual([
      { role: 'user', parts: [{ text: 'What is in this picture?' }, { inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } }] },
    ])
    expect(sent.get('req-3')).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    })
    expect(sent.get('req-4')!.generationConfig).toEqual({ maxOutputTokens: 64 })
    expect(sent.get('req-no-max')!.generationConfig).toBeUndefined()

    const name = created.batch.name!
    const context = { inputFileId: 'file-local', total: created.requests }
    expect(mapGeminiBatch(created.batch, context)).toMatchObject({ providerStatus: 'JOB_STATE_PENDING', batch: { id: name, status: 'validating' } })
    expect(mapGeminiBatch(await rig.client.retrieveBatch(name), context)).toMatchObject({
      providerStatus: 'JOB_STATE_RUNNING',
      batch: { status: 'in_progress' },
    })
    const ended = mapGeminiBatch(await rig.client.retrieveBatch(name), context)
    expect(ended).toMatchObject({ providerStatus: 'JOB_STATE_SUCCEEDED', batch: { status: 'completed', model: MODEL, request_counts: { total: 200 } } })
    expect(ended.batch.completed_at).toBeGreaterThan(0)

    const raw = rig.at('gemini-raw.jsonl')
    await rig.client.downloadResults(name, raw)
    expect(await readJsonl(raw)).toHaveLength(200)
    const outputPath = rig.at('gemini-output.jsonl')
    const errorPath = rig.at('gemini-error.jsonl')
    const totals = await convertGeminiResults(raw, { outputPath, errorPath }, { model: MODEL, created: 1_700_000_000 })
    expect(totals).toMatchObject({ succeeded: 198, failed: 2, unreadable: 0 })
    expect(totals.usage).toEqual({ input: 198 * 30, cached: 198 * 6, output: 198 * 12, reasoning: 198 * 4, total: 198 * 42 })

    const output = await readJsonl(outputPath)
    expect(output).toHaveLength(198)
    for (const line of output) {
      expect(line).toMatchObject({ id: expect.stringMatching(/^batch_req_/), response: { status_code: 200 }, error: null })
      const body = line.response.body
      expect(body).toMatchObject({ object: 'chat.completion', created: 1_700_000_000, model: MODEL })
      expect(body.usage).toEqual({
        prompt_tokens: 30,
        completion_tokens: 12,
        total_tokens: 42,
        prompt_tokens_details: { cached_tokens: 6 },
        completion_tokens_details: { reasoning_tokens: 4 },
      })
      const choice = body.choices[0]
      if (lineKind(line.custom_id) === 'tool') {
        expect(choice).toMatchObject({
          finish_reason: 'tool_calls',
          message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        })
      } else {
        expect(choice.finish_reason).toBe('stop')
        expect(choice.message.content).toBe(
          `Answer to ${line.custom_id} (1 turns${lineKind(line.custom_id) === 'system' ? ', with a system instruction' : lineKind(line.custom_id) === 'image' ? ', with 1 image' : ''})`,
        )
      }
    }
    const errors = new Map((await readJsonl(errorPath)).map((line) => [line.custom_id, line]))
    expect(errors.get('req-errored')).toMatchObject({
      response: { status_code: 400, body: { error: { type: 'INVALID_ARGUMENT', message: 'Request req-errored contains an invalid argument.' } } },
    })
    expect(errors.get('req-expired')).toMatchObject({
      response: { status_code: 504, body: { error: { type: 'DEADLINE_EXCEEDED', message: 'Deadline expired before operation could complete.' } } },
    })
  })

  it('runs /v1/embeddings lines as an embedding batch and returns OpenAI embedding bodies', async () => {
    const input = rig.at('embeddings.jsonl')
    const line = (id: string, text: string) =>
      JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: text } })
    await writeFile(input, `${line('e-1', 'first')}\n${line('e-2', 'second')}\n`)
    const created = await rig.client.createBatch({ path: input, workPath: `${input}.gemini`, displayName: 'embeddings' })
    expect(created).toMatchObject({ ok: true, kind: 'embed', model: 'models/gemini-embedding-001', requests: 2 })
    if (!created.ok) return
    expect(rig.fake.count('POST', /:asyncBatchEmbedContent$/)).toBe(1)
    expect(rig.fake.uploads.get(created.uploadedFile)).toEqual([
      { key: 'e-1', request: { content: { parts: [{ text: 'first' }] } } },
      { key: 'e-2', request: { content: { parts: [{ text: 'second' }] } } },
    ])
    await rig.client.retrieveBatch(created.batch.name!)
    await rig.client.retrieveBatch(created.batch.name!)
    const raw = rig.at('embeddings-raw.jsonl')
    await rig.client.downloadResults(created.batch.name!, raw)
    const outputPath = rig.at('embeddings-output.jsonl')
    await convertGeminiResults(raw, { outputPath, errorPath: rig.at('embeddings-error.jsonl') }, { model: 'gemini-embedding-001', created: 0 })
    expect((await readJsonl(outputPath)).map((line) => [line.custom_id, line.response.body.data[0].embedding])).toEqual([
      ['e-1', [0.1, 0.2, 0.3]],
      ['e-2', [0.1, 0.2, 0.3]],
    ])
  })

  it('cancels, lists a page at a time and deletes', async () => {
    const names: string[] = []
    for (let i = 0; i < 3; i++) {
      names.push((await createFrom200Lines()).batch.name!)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const cancelled = mapGeminiBatch(await rig.client.cancelBatch(names[0]!), { inputFileId: 'f' })
    expect(cancelled).toMatchObject({ providerStatus: 'JOB_STATE_CANCELLED', batch: { status: 'cancelled', cancelled_at: expect.any(Number) } })

    const first = await rig.client.listBatches({ limit: 2 })
    expect(first.data.map((batch) => batch.name)).toEqual([names[2], names[1]])
    expect(first.hasMore).toBe(true)
    const second = await rig.client.listBatches({ limit: 2, after: first.lastId! })
    expect(second.data.map((batch) => batch.name)).toEqual([names[0]])
    expect(second.hasMore).toBe(false)

    expect(await rig.client.deleteBatch(names[0]!)).toEqual({ id: names[0], deleted: true })
    const gone = await rig.client.retrieveBatch(names[0]!).catch((error: unknown) => rig.client.describeError(error))
    expect(gone).toEqual({ status: 404, message: `404 NOT_FOUND: Batch ${names[0]} not found.` })
  })

  it('sends nothing when a line does not translate, and names the line and what to change', async () => {
    const input = rig.at('untranslatable.jsonl')
    const body = { model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }
    await writeFile(input, JSON.stringify({ custom_id: 'linked-image', method: 'POST', url: '/v1/chat/completions', body }))
    const created = await rig.client.createBatch({ path: input, workPath: `${input}.gemini`, displayName: 'x' })
    expect(created).toEqual({
      ok: false,
      errorCount: 1,
      errors: [
        {
          line: 1,
          param: 'body.messages[0].content[0].image_url.url',
          message: 'Gemini batch requests take images inline: give this image as a data:image/...;base64 URL.',
        },
      ],
    })
    expect(rig.fake.calls).toEqual([])
  })
})

describe('Gemini errors and retries', () => {
  it('retries a 429 and a 5xx on reads with backoff, then succeeds', async () => {
    const { batch } = await createFrom200Lines()
    const batchPath = new RegExp(`^/v1beta/${batch.name}$`)
    rig.fake.fail('GET', batchPath, { status: 429, message: 'Resource has been exhausted (e.g. check quota).' })
    expect((await rig.client.retrieveBatch(batch.name!)).name).toBe(batch.name)
    expect(rig.fake.count('GET', batchPath)).toBe(2)
    rig.fake.fail('GET', /^\/v1beta\/batches$/, { status: 503, message: 'The model is overloaded. Please try again later.' }, 2)
    expect((await rig.client.listBatches()).data).toHaveLength(1)
    expect(rig.fake.count('GET', /^\/v1beta\/batches$/)).toBe(3)
  })

  it('repeats a create refused with 429, but never one that failed with 5xx', async () => {
    rig.fake.fail('POST', /:batchGenerateContent$/, { status: 429 })
    await createFrom200Lines()
    expect(rig.fake.count('POST', /:batchGenerateContent$/)).toBe(2)

    rig.fake.fail('POST', /:batchGenerateContent$/, { status: 500, message: 'An internal error has occurred.' })
    const failed = await createFrom200Lines().catch((error: unknown) => rig.client.describeError(error))
    expect(failed).toEqual({ status: 500, message: '500 INTERNAL: An internal error has occurred.' })
    expect(rig.fake.count('POST', /:batchGenerateContent$/)).toBe(3)
  })

  it("uses only the connection's settings, never GOOGLE_* variables of the server", async () => {
    vi.stubEnv('GOOGLE_GENAI_USE_VERTEXAI', 'true')
    vi.stubEnv('GOOGLE_GEMINI_BASE_URL', 'http://127.0.0.1:9')
    try {
      const client = createGeminiBatchClient({ apiKey: rig.fake.apiKey, baseURL: rig.fake.baseURL })
      expect((await client.listBatches()).data).toEqual([])
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it("surfaces a 4xx in Gemini's words, and never the key", async () => {
    const { batch } = await createFrom200Lines()
    rig.fake.fail('POST', /:cancel$/, { status: 403, message: `Permission denied for key ${rig.fake.apiKey} on project 1234.` })
    const refused = await rig.client.cancelBatch(batch.name!).catch((error: unknown) => rig.client.describeError(error))
    expect(refused).toEqual({ status: 403, message: '403 PERMISSION_DENIED: Permission denied for key [redacted] on project 1234.' })

    const wrongKey = 'AIzaWrongKey0123456789abcdef'
    const stranger = createGeminiBatchClient({ apiKey: wrongKey, baseURL: rig.fake.baseURL, maxRetries: 0 })
    const denied = await stranger.retrieveBatch(batch.name!).catch((error: unknown) => stranger.describeError(error))
    expect(denied).toEqual({ status: 400, message: '400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.' })
    expect(JSON.stringify(denied)).not.toContain(wrongKey)
  })
})
