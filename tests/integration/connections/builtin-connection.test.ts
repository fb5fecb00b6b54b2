import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importBatches } from '@/lib/actions/connections'
import { getConnection } from '@/lib/server/connections'
import { db } from '@/lib/server/db'
import { startScheduler, type Scheduler } from '@/lib/server/engine'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, waitFor } from '@/tests/support/engine'

let scheduler: Scheduler
beforeAll(() => {
  scheduler = startScheduler(FAST_ENGINE)
})
afterAll(() => scheduler.stop())

describe('the built-in engine through the connection registry', () => {
  it('answers the provider calls (upload, create, list, retrieve, results, a refused cancel) in OpenAI shapes', async () => {
    const connection = await getConnection('builtin')
    expect(connection).toMatchObject({ id: 'builtin', kind: 'builtin' })

    const source = path.join(os.tmpdir(), `builtin-conn-${Date.now()}.jsonl`)
    const text = chatFile(3, { model: 'sim-chat' })
    writeFileSync(source, text)
    const file = await connection.api.uploadFile({ path: source, filename: 'three.jsonl' })
    expect(file).toMatchObject({ object: 'file', filename: 'three.jsonl', purpose: 'batch', bytes: Buffer.byteLength(text) })
    // The caller's file is left where it was; a second upload of the same bytes reuses the stored copy.
    expect((await connection.api.uploadFile({ path: source, filename: 'three.jsonl' })).id).toBe(file.id)

    const created = await connection.api.createBatch({
      inputFileId: file.id,
      endpoint: '/v1/chat/completions',
      completionWindow: '24h',
      metadata: { purpose: 'registry' },
    })
    expect(created).toMatchObject({ object: 'batch', input_file_id: file.id, metadata: { purpose: 'registry' } })
    const done = await waitFor(
      () => connection.api.retrieveBatch(created.id),
      (batch) => batch.status === 'completed',
    )
    expect(done.request_counts).toEqual({ total: 3, completed: 3, failed: 0 })

    const page = await connection.listBatches({ limit: 1 })
    expect(page.data.map((batch) => batch.id)).toEqual([created.id])
    const output = await (await connection.api.fileContent(done.output_file_id!)).text()
    expect(
      output
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)
        .sort(),
    ).toEqual(['request-1', 'request-2', 'request-3'])

    const refused = await connection.api.cancelBatch(created.id).catch((error: unknown) => connection.describeError(error))
    expect(refused).toEqual({ status: 409, message: expect.stringContaining('completed') })
  })

  it('is not a provider to import from: the action refuses it and records nothing', async () => {
    const before = await db.batch.count()
    const result = await importBatches({ id: 'builtin' })
    expect(result).toMatchObject({ ok: false, error: { code: 'builtin_connection' } })
    expect(await db.batch.count()).toBe(before)
  })
})
