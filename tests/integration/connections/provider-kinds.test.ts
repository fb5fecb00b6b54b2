import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cancelBatch, createBatch, deleteBatch } from '@/lib/actions/batches'
import { importBatches, saveConnection, testConnection } from '@/lib/actions/connections'
import { getBatch } from '@/lib/server/batches'
import { startSync } from '@/lib/server/connections/sync'
import { decryptSecret } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import { waitForSettledBatch } from '@/tests/support/engine'
import { startFakeAnthropic, type FakeAnthropic } from '@/tests/support/fake-anthropic'
import { startFakeGemini, type FakeGemini } from '@/tests/support/fake-gemini'
import { lineKind, providerBatchLines } from '@/tests/support/provider-batch-file'

// Anthropic and Gemini as connection kinds, end to end below the UI: the actions and the sync loop drive the official
// SDKs against the fake providers (tests/support/fake-*.ts), and the results come back as OpenAI-format files.

let anthropic: FakeAnthropic
let gemini: FakeGemini
let sync: ReturnType<typeof startSync>
const connections = { anthropic: '', gemini: '' }

beforeAll(async () => {
  anthropic = await startFakeAnthropic()
  gemini = await startFakeGemini()
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  const savedAnthropic = await saveConnection({
    kind: 'anthropic',
    name: 'Claude',
    baseUrl: anthropic.baseURL,
    apiKey: anthropic.apiKey,
    defaultMaxTokens: 512,
  })
  const savedGemini = await saveConnection({ kind: 'gemini', name: 'Gemini', baseUrl: gemini.baseURL, apiKey: gemini.apiKey })
  if (!savedAnthropic.ok || !savedGemini.ok) throw new Error('saving the connections failed')
  connections.anthropic = savedAnthropic.data.id
  connections.gemini = savedGemini.data.id
})

afterAll(async () => {
  await sync.stop()
  await anthropic.close()
  await gemini.close()
})

async function inputFile(lines: string[]) {
  const temp = path.join(os.tmpdir(), `provider-kinds-${randomBytes(6).toString('hex')}.jsonl`)
  await writeFile(temp, `${lines.join('\n')}\n`)
  const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return file
}

const settled = waitForSettledBatch

const jsonl = (storagePath: string | null | undefined) =>
  storagePath
    ? readFileSync(fromStoragePath(storagePath), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { custom_id: string; response: { status_code: number; body: Record<string, unknown> } | null; error: unknown })
    : []

async function start(connectionId: string, lines: string[]) {
  const file = await inputFile(lines)
  const result = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [], description: 'provider run' })
  return { file, result }
}

describe.each([
  { kind: 'anthropic' as const, model: 'claude-sonnet-4-6', status: 'expired', providerStatus: 'ended', cacheWrites: 198 * 3 },
  { kind: 'gemini' as const, model: 'gemini-2.5-flash', status: 'completed', providerStatus: 'JOB_STATE_SUCCEEDED', cacheWrites: null },
])('a $kind connection', ({ kind, model, status, providerStatus, cacheWrites }) => {
  it('keeps its key encrypted and answers Test with a listing', async () => {
    const stored = await db.connection.findUniqueOrThrow({ where: { id: connections[kind] } })
    const key = kind === 'anthropic' ? anthropic.apiKey : gemini.apiKey
    expect(stored).toMatchObject({ kind, apiKeyHint: key.slice(-4) })
    expect(stored.apiKeyEncrypted).not.toContain(key)
    expect(decryptSecret(stored.apiKeyEncrypted!)).toBe(key)
    const tested = await testConnection({ id: connections[kind] })
    expect(tested).toMatchObject({ ok: true, data: { ok: true } })
  })

  it('runs a 200-line OpenAI-format file: results converted, joined by custom_id, the provider status kept', async () => {
    const lines = providerBatchLines(model)
    const { file, result } = await start(connections[kind], lines)
    if (!result.ok) expect.fail(result.error.message)
    const done = await settled(result.data.id)
    expect(done).toMatchObject({
      status,
      providerStatus,
      inputFileId: file.id,
      description: 'provider run',
      model,
      requestCountTotal: 200,
      requestCountCompleted: 198,
      requestCountFailed: 2,
      syncError: null,
    })
    expect(done.usageCacheWriteTokens === null ? null : Number(done.usageCacheWriteTokens)).toBe(cacheWrites)

    const output = jsonl(done.outputFile?.storagePath)
    const errors = jsonl(done.errorFile?.storagePath)
    expect(output).toHaveLength(198)
    expect(errors.map((line) => line.custom_id).sort()).toEqual(['req-errored', 'req-expired'])
    const inputIds = lines.map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)
    expect(new Set([...output, ...errors].map((line) => line.custom_id))).toEqual(new Set(inputIds))
    for (const line of output) {
      expect(line.response).toMatchObject({ status_code: 200, body: { object: 'chat.completion' } })
      const choice = (line.response!.body.choices as { finish_reason: string }[])[0]!
      expect(choice.finish_reason).toBe(lineKind(line.custom_id) === 'tool' ? 'tool_calls' : 'stop')
    }
    for (const line of errors) expect(line.response?.status_code ?? line.error).toBeTruthy()

    const detail = await getBatch(result.data.id)
    expect(detail.providerStatus).toBe(providerStatus)
    expect(detail.usage?.cacheWriteTokens ?? null).toBe(cacheWrites)
    expect(detail.cost).toMatchObject({ status: 'priced' })
    expect(await db.resultRow.count({ where: { batchId: result.data.id } })).toBe(200)
  })

  it('refuses a line that does not translate before anything is sent, naming the line and what to change', async () => {
    const lines = providerBatchLines(model, 10)
    const bad = JSON.parse(lines[4]!) as { body: Record<string, unknown> }
    bad.body.n = 3
    lines[4] = JSON.stringify(bad)
    const creates = (kind === 'anthropic' ? anthropic : gemini).calls.length
    const { result } = await start(connections[kind], lines)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.message).toMatch(/line 5 \(body\.n\)/)
    expect(result.error.message).toMatch(/Nothing was started/)
    expect((kind === 'anthropic' ? anthropic : gemini).calls.length).toBe(creates)
  })

  it('cancels a running batch: it ends cancelled, with the provider’s status', async () => {
    const { result } = await start(connections[kind], providerBatchLines(model, 10))
    if (!result.ok) expect.fail(result.error.message)
    const cancelled = await cancelBatch({ batchId: result.data.id })
    if (!cancelled.ok) expect.fail(cancelled.error.message)
    const done = await settled(result.data.id)
    expect(done.status).toBe('cancelled')
    expect(done.providerStatus).toBe(kind === 'anthropic' ? 'ended' : 'JOB_STATE_CANCELLED')
    // Anthropic reports every request canceled in its results file; Gemini writes no responses file for a cancelled job.
    const errors = jsonl(done.errorFile?.storagePath)
    if (kind === 'anthropic') expect(errors.map((line) => (line.error as { code: string }).code)).toEqual(Array(10).fill('batch_cancelled'))
    else expect(done.errorFileId).toBeNull()
  })

  it('retries a 429 on create, and shows a 4xx in the provider’s words without the key', async () => {
    const fake = kind === 'anthropic' ? anthropic : gemini
    const createPath = kind === 'anthropic' ? /^\/v1\/messages\/batches$/ : /:batchGenerateContent$/
    fake.fail('POST', createPath, { status: 429, message: 'Slow down' })
    const retried = await start(connections[kind], providerBatchLines(model, 5))
    if (!retried.result.ok) expect.fail(retried.result.error.message)

    const key = kind === 'anthropic' ? anthropic.apiKey : gemini.apiKey
    fake.fail('POST', createPath, { status: 403, message: `This key ${key} may not run batches.` })
    const refused = await start(connections[kind], providerBatchLines(model, 5))
    expect(refused.result.ok).toBe(false)
    if (refused.result.ok) return
    expect(refused.result.error.message).toContain('may not run batches.')
    expect(refused.result.error.message).not.toContain(key)
  })

  it('imports batches it does not know and deletes a finished one on the provider', async () => {
    const { result } = await start(connections[kind], providerBatchLines(model, 5))
    if (!result.ok) expect.fail(result.error.message)
    await settled(result.data.id)
    const imported = await importBatches({ id: connections[kind] })
    if (!imported.ok) expect.fail(imported.error.message)
    expect(imported.data.seen).toBeGreaterThan(0)
    const deleted = await deleteBatch({ batchId: result.data.id, remote: true })
    if (!deleted.ok) expect.fail(deleted.error.message)
    expect(deleted.data).toMatchObject({ remoteFilesPending: 0 })
  })
})
