import { inflateSync } from 'node:zlib'
import OpenAI, { toFile } from 'openai'
import { NextRequest } from 'next/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as resultImage from '@/app/api/batches/[batchId]/results/image/route'
import { createApiKey } from '@/lib/server/api-keys'
import { indexBatchResults } from '@/lib/server/results'
import { startScheduler, type Scheduler } from '@/lib/server/engine'
import { FAST_ENGINE, parseResultLines, waitFor } from '@/tests/support/engine'
import { startV1Server } from '@/tests/support/v1-server'

let server: Awaited<ReturnType<typeof startV1Server>>
let scheduler: Scheduler
let client: OpenAI

beforeAll(async () => {
  server = await startV1Server()
  scheduler = startScheduler(FAST_ENGINE)
  const { key } = await createApiKey({ name: 'images' })
  client = new OpenAI({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 })
})

afterAll(async () => {
  await scheduler.stop()
  await server.close()
})

const TERMINAL = ['completed', 'failed', 'expired', 'cancelled']
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const jsonl = (...lines: unknown[]) => lines.map((line) => JSON.stringify(line)).join('\n') + '\n'
const upload = async (content: string | Buffer) => client.files.create({ file: await toFile(Buffer.from(content), 'images.jsonl'), purpose: 'batch' })
const settle = (id: string) =>
  waitFor(
    () => client.batches.retrieve(id),
    (batch) => TERMINAL.includes(batch.status),
  )

async function runBatch(content: string | Buffer, endpoint: OpenAI.Batches.BatchCreateParams['endpoint']) {
  const file = await upload(content)
  const created = await client.batches.create({ input_file_id: file.id, endpoint, completion_window: '24h' })
  return settle(created.id)
}

/** Width and height from the IHDR chunk, and the inflated scanlines, so a test knows the PNG is whole. */
function readPng(bytes: Buffer) {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR')
  const width = bytes.readUInt32BE(16)
  const height = bytes.readUInt32BE(20)
  const idat = bytes.indexOf('IDAT', 0, 'latin1')
  const scanlines = inflateSync(bytes.subarray(idat + 4, idat + 4 + bytes.readUInt32BE(idat - 4)))
  return { width, height, scanlines }
}

const generation = (customId: string, prompt: string, extra: Record<string, unknown> = {}) => ({
  custom_id: customId,
  method: 'POST',
  url: '/v1/images/generations',
  body: { model: 'sim-image', prompt, size: '1024x1024', output_format: 'png', ...extra },
})

describe('image endpoints on the engine, through the official SDK', () => {
  it('runs /v1/images/generations on the simulator: deterministic PNGs in b64_json, gpt-image usage, marked simulated', async () => {
    const batch = await runBatch(
      jsonl(generation('cat', 'A cat in a hat'), generation('two-dogs', 'Two dogs', { n: 2 }), generation('cat-again', 'A cat in a hat')),
      '/v1/images/generations',
    )
    expect(batch).toMatchObject({ status: 'completed', endpoint: '/v1/images/generations', request_counts: { total: 3, completed: 3, failed: 0 } })
    expect(batch.error_file_id).toBeNull()
    expect(batch.usage?.output_tokens).toBeGreaterThan(0)

    const lines = parseResultLines(await (await client.files.content(batch.output_file_id!)).text())
    const byId = new Map(lines.map((line) => [line.custom_id, line]))
    const answer = (id: string) => byId.get(id)!.response!.body as unknown as OpenAI.Images.ImagesResponse & { simulated: boolean }
    expect(answer('two-dogs').data).toHaveLength(2)
    expect(answer('cat')).toMatchObject({
      created: expect.any(Number),
      output_format: 'png',
      simulated: true,
      usage: { input_tokens: expect.any(Number), output_tokens: 272, input_tokens_details: { text_tokens: expect.any(Number), image_tokens: 0 } },
    })
    const png = readPng(Buffer.from(answer('cat').data![0]!.b64_json!, 'base64'))
    expect(png).toMatchObject({ width: 64, height: 64 })
    expect(png.scanlines).toHaveLength(64 * (1 + 64 * 3))
    // Seeded by the prompt: the same prompt gives the same picture, another prompt another one.
    expect(answer('cat-again').data![0]!.b64_json).toBe(answer('cat').data![0]!.b64_json)
    expect(answer('two-dogs').data![0]!.b64_json).not.toBe(answer('cat').data![0]!.b64_json)
    expect(answer('two-dogs').data![1]!.b64_json).not.toBe(answer('two-dogs').data![0]!.b64_json)

    // The results explorer serves each output image with the thumbnail route's headers.
    await indexBatchResults(batch.id)
    const response = await resultImage.GET(
      new NextRequest(new URL(`http://127.0.0.1/api/batches/${batch.id}/results/image?customId=two-dogs&n=1&side=output`)),
      { params: Promise.resolve({ batchId: batch.id }) },
    )
    expect(response.status, await response.clone().text()).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'")
    expect(Buffer.from(await response.arrayBuffer()).toString('base64')).toBe(answer('two-dogs').data![1]!.b64_json)
    const missing = await resultImage.GET(new NextRequest(new URL(`http://127.0.0.1/api/batches/${batch.id}/results/image?customId=cat&n=1&side=output`)), {
      params: Promise.resolve({ batchId: batch.id }),
    })
    expect(missing.status).toBe(404)
  })

  it('runs /v1/images/edits with JSON image references, and fails an edit line without an image at validation', async () => {
    const image = `data:image/png;base64,${PNG_SIGNATURE.toString('base64')}`
    const edit = (customId: string, body: Record<string, unknown>) => ({ custom_id: customId, method: 'POST', url: '/v1/images/edits', body })
    const done = await runBatch(
      jsonl(
        edit('one', { model: 'sim-image', prompt: 'Make it blue', images: [{ image_url: image }] }),
        edit('two', { model: 'sim-image', prompt: 'Add a hat', images: [{ image_url: 'https://example.com/a.png' }, { file_id: 'file-abc' }] }),
      ),
      '/v1/images/edits',
    )
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } })
    const lines = parseResultLines(await (await client.files.content(done.output_file_id!)).text())
    const two = lines.find((line) => line.custom_id === 'two')!.response!.body as unknown as OpenAI.Images.ImagesResponse
    expect(two.usage?.input_tokens_details.image_tokens).toBeGreaterThan(0)
    readPng(Buffer.from(two.data![0]!.b64_json!, 'base64'))

    const refused = await runBatch(
      jsonl(edit('ok', { model: 'sim-image', prompt: 'Blue', images: [{ image_url: image }] }), edit('no-image', { model: 'sim-image', prompt: 'Blue' })),
      '/v1/images/edits',
    )
    expect(refused.status).toBe('failed')
    expect(refused.errors?.data).toEqual([expect.objectContaining({ code: 'invalid_request', line: 2, param: 'body.images' })])
  })

  it('accepts a /v1/videos batch and fails it at validation, saying the engine does not run video generation', async () => {
    const line = { custom_id: 'clip', method: 'POST', url: '/v1/videos', body: { model: 'sora-2', prompt: 'A wave' } }
    const batch = await runBatch(jsonl(line), '/v1/videos')
    expect(batch.status).toBe('failed')
    expect(batch.errors?.data).toEqual([{ code: 'invalid_url', line: 1, param: 'url', message: expect.stringContaining('does not run video generation') }])
    expect(batch.errors?.data?.[0]?.message).toContain('OpenAI connection')
  })

  it('fails a UTF-16 file with one file-level error that says how to convert it', async () => {
    const text = jsonl(generation('a', 'A'), generation('b', 'B'))
    const batch = await runBatch(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), '/v1/images/generations')
    expect(batch.status).toBe('failed')
    expect(batch.errors?.data).toEqual([
      { code: 'invalid_utf8', line: null, param: null, message: expect.stringContaining('iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl') },
    ])
  })
})
