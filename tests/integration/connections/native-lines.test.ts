import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GET as getUsage } from '@/app/api/usage/route'
import { createBatch } from '@/lib/actions/batches'
import { saveConnection } from '@/lib/actions/connections'
import { getBatch } from '@/lib/server/batches'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { createEngineBatch } from '@/lib/server/engine'
import { getFile } from '@/lib/server/files'
import { ingestFile } from '@/lib/server/files/ingest'
import { AppError } from '@/lib/server/http/errors'
import { fromStoragePath } from '@/lib/server/storage'
import { useEngineWithSimulator, waitFor, waitForSettledBatch } from '@/tests/support/engine'
import { startFakeAnthropic, type FakeAnthropic } from '@/tests/support/fake-anthropic'
import { startFakeGemini, type FakeGemini } from '@/tests/support/fake-gemini'
import { providerBatchLines } from '@/tests/support/provider-batch-file'
import { callRoute } from '@/tests/support/routes'
import type { UsageReport } from '@/lib/types'

// Files in a provider's own line format (docs/decisions/046) through the actions, the sync loop and the official SDKs
// against the fake providers: they run unchanged on their kind and are refused, with the kind they need, elsewhere.

let anthropic: FakeAnthropic
let gemini: FakeGemini
let sync: ReturnType<typeof startSync>
const connections = { anthropic: '', gemini: '', openai: '' }

beforeAll(async () => {
  anthropic = await startFakeAnthropic()
  gemini = await startFakeGemini()
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  const saved = await Promise.all([
    saveConnection({ kind: 'anthropic', name: 'Claude', baseUrl: anthropic.baseURL, apiKey: anthropic.apiKey, defaultMaxTokens: null }),
    saveConnection({ kind: 'gemini', name: 'Gemini', baseUrl: gemini.baseURL, apiKey: gemini.apiKey }),
    // Never called: the refusal comes before any upload.
    saveConnection({ kind: 'openai', name: 'OpenAI', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' }),
  ])
  const [a, g, o] = saved.map((result) => (result.ok ? result.data.id : expect.fail('saving a connection failed')))
  Object.assign(connections, { anthropic: a, gemini: g, openai: o })
})

afterAll(async () => {
  await sync.stop()
  await anthropic.close()
  await gemini.close()
})

const anthropicLines = (count: number, model: (i: number) => string = () => 'claude-sonnet-4-6') =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      custom_id: `native-${i}`,
      params: { model: model(i), max_tokens: 32, system: 'Answer briefly.', messages: [{ role: 'user', content: `Native question ${i}` }] },
    }),
  )
const geminiLines = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({ key: `gem-${i}`, request: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: `Gemini question ${i}` }] }] } }),
  )

async function upload(lines: string[], rejectInvalid = true) {
  const temp = path.join(os.tmpdir(), `native-lines-${randomBytes(6).toString('hex')}.jsonl`)
  await writeFile(temp, `${lines.join('\n')}\n`)
  return ingestFile(temp, { filename: 'native.jsonl', rejectInvalid, reuseDuplicate: false })
}

const start = (connectionId: string, fileId: string) => createBatch({ connectionId, fileId, completionWindow: '24h', metadata: [], description: 'native' })

const settled = waitForSettledBatch

const outputIds = (storagePath: string | null | undefined) =>
  storagePath
    ? readFileSync(fromStoragePath(storagePath), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { custom_id: string; response: { body: { object: string; model: string } } }).custom_id)
    : []

describe('a file in Anthropic’s own format', () => {
  it('is accepted at upload as a file-level finding and runs unchanged on an anthropic connection', async () => {
    const lines = anthropicLines(12)
    const { file, report } = await upload(lines)
    expect(report).toMatchObject({ ok: true, errorCount: 0, facts: { format: 'anthropic', model: 'claude-sonnet-4-6', requestCount: 12 } })
    const result = await start(connections.anthropic, file.id)
    if (!result.ok) expect.fail(result.error.message)
    const done = await settled(result.data.id)
    expect(done).toMatchObject({ status: 'completed', model: 'claude-sonnet-4-6', requestCountCompleted: 12, syncError: null })
    // Sent as written: no translation touched the params.
    const sent = anthropic.received.get(done.remoteId!)!
    expect(sent.map((request) => JSON.stringify(request))).toEqual(lines)
    expect(outputIds(done.outputFile?.storagePath).sort()).toEqual(lines.map((_, i) => `native-${i}`).sort())
    const detail = await getBatch(result.data.id)
    expect(detail.cost).toMatchObject({ status: 'priced', priceModel: 'claude-sonnet-4-6' })
    const rows = await db.resultRow.findMany({ where: { batchId: result.data.id }, orderBy: { line: 'asc' } })
    expect(rows).toHaveLength(12)
    expect(rows[3]).toMatchObject({ line: 4, customId: 'native-3', status: 'succeeded', prompt: 'Native question 3' })
  })

  it('is refused on an OpenAI connection, on the built-in engine and on a gemini connection, naming the kind it needs', async () => {
    const { file } = await upload(anthropicLines(3))
    // New batch reads the format from the file's detail, so it says so before Create.
    expect(await getFile(file.id)).toMatchObject({ lineFormat: 'anthropic' })
    for (const connectionId of [connections.openai, 'builtin', connections.gemini]) {
      const result = await start(connectionId, file.id)
      expect(result).toMatchObject({ ok: false, error: { code: 'wrong_connection_kind', param: 'connectionId' } })
      if (!result.ok)
        expect(result.error.message).toBe(
          "native.jsonl: This file is in Anthropic's Message Batches format ({custom_id, params}), which runs only on an anthropic connection. Choose an anthropic connection, or write its lines in OpenAI's batch format to run it here.",
        )
    }
    expect(gemini.calls.filter((call) => call.startsWith('POST'))).toEqual([])
  })

  describe('on /v1', () => {
    useEngineWithSimulator()

    it('fails a /v1 batch on the built-in engine with the same message', async () => {
      const { file } = await upload(anthropicLines(3), false)
      const { id } = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
      const failed = await waitFor(
        () => db.batch.findUniqueOrThrow({ where: { id } }),
        (batch) => batch.status === 'failed',
      )
      expect(failed.errors).toEqual([
        { code: 'invalid_request', param: null, line: null, message: expect.stringContaining('runs only on an anthropic connection') },
      ])
    })
  })

  it('mixed with OpenAI-format lines is refused at upload with the number of the first line of the other format', async () => {
    const lines = [...anthropicLines(3), ...providerBatchLines('claude-sonnet-4-6', 4)]
    const refused = await upload(lines).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(AppError)
    expect(refused).toMatchObject({ status: 422, code: 'invalid_file', details: { line: 4 } })
    expect((refused as AppError).message).toContain(
      "line 4: This line is in OpenAI's batch format ({custom_id, method, url, body}), but the file is in Anthropic's Message Batches format ({custom_id, params}) (line 1)",
    )
  })
})

describe('a file in Gemini’s own format', () => {
  it('runs unchanged on a gemini connection and is refused on an anthropic one', async () => {
    const lines = geminiLines(6)
    const { file, report } = await upload(lines)
    expect(report.facts).toMatchObject({ format: 'gemini', model: 'gemini-2.5-flash' })
    expect(await getFile(file.id)).toMatchObject({ lineFormat: 'gemini' })
    const refused = await start(connections.anthropic, file.id)
    expect(refused).toMatchObject({ ok: false, error: { code: 'wrong_connection_kind', message: expect.stringContaining('runs only on a gemini connection') } })

    const result = await start(connections.gemini, file.id)
    if (!result.ok) expect.fail(result.error.message)
    const done = await settled(result.data.id)
    expect(done).toMatchObject({ status: 'completed', model: 'gemini-2.5-flash', requestCountCompleted: 6, syncError: null })
    expect(outputIds(done.outputFile?.storagePath).sort()).toEqual(lines.map((_, i) => `gem-${i}`).sort())
    const rows = await db.resultRow.findMany({ where: { batchId: result.data.id }, orderBy: { line: 'asc' } })
    expect(rows[0]).toMatchObject({ line: 1, customId: 'gem-0', status: 'succeeded', prompt: 'Gemini question 0' })
    expect((await getBatch(result.data.id)).cost).toMatchObject({ status: 'priced', priceModel: 'gemini-2.5-flash' })
  })
})

describe('a batch of two models', () => {
  // Every answer of the fake: 20 fresh input, 5 cache-read, 3 cache-write and 7 output tokens.
  // Batch prices per 1M: claude-sonnet-4-6 $1.50 / $0.15 / $1.875 / $7.50, claude-haiku-4-5 $0.50 / $0.05 / $0.625 / $2.50.
  const perLine = { sonnet: (20 * 1.5 + 5 * 0.15 + 3 * 1.875 + 7 * 7.5) / 1e6, haiku: (20 * 0.5 + 5 * 0.05 + 3 * 0.625 + 7 * 2.5) / 1e6 }

  it('is costed per model at each model’s batch price, on the batch page and in Usage', async () => {
    const { file } = await upload(anthropicLines(6, (i) => (i % 3 === 2 ? 'claude-haiku-4-5' : 'claude-sonnet-4-6')))
    const result = await start(connections.anthropic, file.id)
    if (!result.ok) expect.fail(result.error.message)
    const done = await settled(result.data.id)
    expect(done).toMatchObject({ status: 'completed', requestCountCompleted: 6 })
    const detail = await getBatch(result.data.id)
    expect(detail.cost).toMatchObject({
      status: 'priced',
      basis: 'batch',
      cost: expect.closeTo(4 * perLine.sonnet + 2 * perLine.haiku, 12),
      cacheWriteCost: expect.closeTo((4 * 3 * 1.875 + 2 * 3 * 0.625) / 1e6, 12),
      priceModel: 'claude-sonnet-4-6, claude-haiku-4-5',
    })
    const stored = await db.batch.findUniqueOrThrow({ where: { id: result.data.id }, select: { usageByModel: true } })
    expect(JSON.parse(stored.usageByModel!)).toEqual([
      {
        model: 'claude-sonnet-4-6',
        usage: { inputTokens: 112, cachedTokens: 20, outputTokens: 28, reasoningTokens: 0, totalTokens: 140, cacheWriteTokens: 12 },
      },
      { model: 'claude-haiku-4-5', usage: { inputTokens: 56, cachedTokens: 10, outputTokens: 14, reasoningTokens: 0, totalTokens: 70, cacheWriteTokens: 6 } },
    ])

    const day = new Date().toISOString().slice(0, 10)
    const report = (await callRoute(getUsage, `/api/usage?from=${day}&to=${day}`)).body as UsageReport
    const models = new Map(report.models.map((group) => [group.key, group]))
    expect(models.get('claude-haiku-4-5')).toMatchObject({ batches: 1, totalTokens: 70, cost: expect.closeTo(2 * perLine.haiku, 12), unpricedTokens: 0 })
    expect(models.get('claude-sonnet-4-6')!.cost).toBeGreaterThanOrEqual(4 * perLine.sonnet - 1e-12)
    expect(report.totals.cacheWriteTokens).toBeGreaterThanOrEqual(18)
  })

  it('with a model that has no price says so, rather than costing it at $0', async () => {
    const { file } = await upload(anthropicLines(4, (i) => (i === 3 ? 'claude-mystery-1' : 'claude-sonnet-4-6')))
    const result = await start(connections.anthropic, file.id)
    if (!result.ok) expect.fail(result.error.message)
    await settled(result.data.id)
    expect((await getBatch(result.data.id)).cost).toEqual({ status: 'no_price', model: 'claude-mystery-1' })
  })
})
