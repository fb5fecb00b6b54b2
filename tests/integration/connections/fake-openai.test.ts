import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cancelBatch, createBatch } from '@/lib/actions/batches'
import { saveConnection } from '@/lib/actions/connections'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import { waitFor, waitForSettledBatch } from '@/tests/support/engine'
import { startFakeOpenAI, type FakeOpenAI } from '@/tests/support/fake-openai'

// The `openai` connection kind against the fake OpenAI Batch API (tests/support/fake-openai.ts, also the soak's
// provider): the official SDK uploads, creates and retrieves, and the sync copies the result files and indexes them.

let fake: FakeOpenAI
let sync: ReturnType<typeof startSync>
let connectionId = ''

beforeAll(async () => {
  // The first batch runs 600 ms; the second long enough to be cancelled mid-way.
  fake = await startFakeOpenAI({ runMs: (index) => (index === 0 ? 600 : 20_000) })
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  const saved = await saveConnection({ kind: 'openai', name: 'Fake OpenAI', baseUrl: `${fake.baseURL}/v1`, apiKey: fake.apiKey })
  if (!saved.ok) throw new Error(`saving the connection failed: ${JSON.stringify(saved.error)}`)
  connectionId = saved.data.id
})

afterAll(async () => {
  await sync.stop()
  await fake.close()
})

async function start(lines: number) {
  const temp = path.join(os.tmpdir(), `fake-openai-${randomBytes(6).toString('hex')}.jsonl`)
  const text = Array.from({ length: lines }, (_, index) =>
    JSON.stringify({
      custom_id: `q-${index + 1}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${index + 1}` }] },
    }),
  )
  await writeFile(temp, `${text.join('\n')}\n`)
  const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const created = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [], description: 'fake openai' })
  if (!created.ok) throw new Error(`createBatch failed: ${JSON.stringify(created.error)}`)
  return created.data.id
}

const lines = (storagePath: string | null | undefined) =>
  storagePath
    ? readFileSync(fromStoragePath(storagePath), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { id: string; custom_id: string; response: { status_code: number; body: Record<string, unknown> }; error: unknown })
    : []

describe('an openai connection to the fake OpenAI Batch API', () => {
  it('runs a 120-line batch to completed: counts, output and error files copied in OpenAI’s format, results indexed', async () => {
    const id = await start(120)
    const batch = await waitForSettledBatch(id)
    expect(batch.status).toBe('completed')
    expect(batch.syncError).toBeNull()
    expect({ completed: batch.requestCountCompleted, failed: batch.requestCountFailed, total: batch.requestCountTotal }).toEqual({
      completed: 118,
      failed: 2,
      total: 120,
    })
    const output = lines(batch.outputFile?.storagePath)
    const errors = lines(batch.errorFile?.storagePath)
    expect(output).toHaveLength(118)
    expect(errors.map((line) => line.custom_id)).toEqual(['q-50', 'q-100'])
    expect(batch.outputFile?.lineCount).toBe(118)
    expect(batch.errorFile?.lineCount).toBe(2)
    expect(output[0]).toMatchObject({ custom_id: 'q-1', response: { status_code: 200, body: { object: 'chat.completion' } }, error: null })
    expect(output[0]!.id).toMatch(/^batch_req_/)
    expect(errors[0]).toMatchObject({ response: { status_code: 400, body: { error: { type: 'invalid_request_error' } } }, error: null })
    const index = await waitFor(
      () => db.resultIndex.findUnique({ where: { batchId: id } }),
      (row) => row?.state === 'ready',
    )
    expect(index?.rowCount).toBe(120)
    expect(fake.stats()).toMatchObject({ batchesCompleted: 1, filesServed: 2 })
    expect(fake.stats().calls.upload).toBe(1)
    expect(fake.stats().calls.retrieve).toBeGreaterThanOrEqual(2)
  })

  it('cancels a running batch: cancelled on the provider, with the lines that ran', async () => {
    const id = await start(40)
    await waitFor(
      () => db.batch.findUniqueOrThrow({ where: { id } }),
      (batch) => batch.status === 'in_progress',
    )
    const cancelled = await cancelBatch({ batchId: id })
    expect(cancelled.ok).toBe(true)
    const batch = await waitForSettledBatch(id)
    expect(batch.status).toBe('cancelled')
    expect(batch.syncError).toBeNull()
    expect(fake.stats().calls.cancel).toBe(1)
    expect(batch.requestCountCompleted + batch.requestCountFailed).toBeLessThan(40)
    expect(lines(batch.outputFile?.storagePath).length).toBe(batch.requestCountCompleted)
  })
})
