import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { GET as getBatchRoute } from '@/app/api/batches/[batchId]/route'
import { GET as getBatchesRoute } from '@/app/api/batches/route'
import { cancelBatch, createBatch, deleteBatch } from '@/lib/actions/batches'
import { db } from '@/lib/server/db'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import type { BatchDetail } from '@/lib/types'
import { chatFile } from '@/tests/support/batch-files'
import { parseResultLines, useEngineWithSimulator, waitFor } from '@/tests/support/engine'
import { callRoute } from '@/tests/support/routes'

async function storeFile(lines: number, model = 'sim-chat') {
  const temp = path.join(os.tmpdir(), `batches-${Date.now()}-${Math.random()}.jsonl`)
  writeFileSync(temp, chatFile(lines, { model, content: `unique ${Math.random()}` }))
  const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return file
}

const readBatch = async (batchId: string) => {
  const { status, body } = await callRoute(getBatchRoute, `/api/batches/${batchId}`, { batchId })
  return { status, batch: body as BatchDetail }
}

describe('createBatch (server action)', () => {
  it('refuses bad metadata, naming the field, and creates nothing', async () => {
    const file = await storeFile(2)
    const before = await db.batch.count()
    const tooLong = await createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', metadata: [{ key: 'k'.repeat(65), value: 'v' }] })
    expect(tooLong).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_request', param: 'metadata.0.key', message: expect.stringContaining('at most 64 characters') }),
    })
    const repeated = await createBatch({
      fileId: file.id,
      connectionId: 'builtin',
      completionWindow: '24h',
      metadata: [
        { key: 'team', value: 'a' },
        { key: 'team', value: 'b' },
      ],
    })
    expect(repeated).toMatchObject({ ok: false, error: { param: 'metadata.1.key' } })
    const tooMany = await createBatch({
      fileId: file.id,
      connectionId: 'builtin',
      completionWindow: '24h',
      description: 'Nightly',
      metadata: Array.from({ length: 16 }, (_, index) => ({ key: `k${index}`, value: 'v' })),
    })
    expect(tooMany).toMatchObject({ ok: false, error: { param: 'metadata' } })
    expect(await db.batch.count()).toBe(before)
  })

  it('refuses a missing file and an unknown connection by field', async () => {
    const file = await storeFile(2)
    expect(await createBatch({ fileId: 'file-doesNotExist', connectionId: 'builtin', completionWindow: '24h' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', param: 'fileId' },
    })
    expect(await createBatch({ fileId: file.id, connectionId: 'conn_nope', completionWindow: '24h' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', param: 'connectionId' },
    })
    expect(await createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '90 days' })).toMatchObject({
      ok: false,
      error: { param: 'completionWindow' },
    })
  })

  it('sends a batch for an OpenAI connection to that provider, and says so when it cannot be reached', async () => {
    const file = await storeFile(1)
    // Nothing listens on port 9 of loopback: the upload is refused before anything is sent.
    await db.connection.create({ data: { id: 'conn_openai', kind: 'openai', name: 'My OpenAI', baseUrl: 'http://127.0.0.1:9/v1' } })
    expect(await createBatch({ fileId: file.id, connectionId: 'conn_openai', completionWindow: '24h' })).toMatchObject({
      ok: false,
      error: {
        code: 'provider_error',
        param: 'connectionId',
        message: expect.stringMatching(/^My OpenAI could not take the input file: Could not reach the server/),
      },
    })
    expect(await db.batch.count({ where: { connectionId: 'conn_openai' } })).toBe(0)
  })

  it('creates a builtin batch with the file endpoint, window, description and metadata', async () => {
    const file = await storeFile(3)
    const result = await createBatch({
      fileId: file.id,
      connectionId: 'builtin',
      completionWindow: '1h',
      description: '  Nightly  ',
      metadata: [{ key: 'team', value: 'support' }],
    })
    expect(result.ok).toBe(true)
    const row = await db.batch.findUniqueOrThrow({ where: { id: result.ok ? result.data.id : '' } })
    expect(row).toMatchObject({
      connectionId: 'builtin',
      status: 'validating',
      endpoint: '/v1/chat/completions',
      completionWindow: '1h',
      description: 'Nightly',
      metadata: { description: 'Nightly', team: 'support' },
      inputFileId: file.id,
    })
    expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBe(3_600_000)
  })
})

describe('a batch from create to delete, on the real engine and simulator', () => {
  useEngineWithSimulator()

  it('GET /api/batches/{id} answers every field, files with names, usage and the timeline', async () => {
    const file = await storeFile(5)
    const created = await createBatch({ fileId: file.id, connectionId: 'builtin', completionWindow: '24h', description: 'Five questions' })
    if (!created.ok) throw new Error(created.error.message)
    const batch = await waitFor(
      async () => (await readBatch(created.data.id)).batch,
      (value) => value.status === 'completed',
    )
    expect(batch).toMatchObject({
      id: created.data.id,
      remoteId: created.data.id,
      connectionId: 'builtin',
      // sim-* models always go to the built-in simulator, even when another upstream's patterns match them.
      simulated: true,
      connectionKind: 'builtin',
      connectionName: 'Built-in engine',
      description: 'Five questions',
      endpoint: '/v1/chat/completions',
      completionWindow: '24h',
      requestCounts: { total: 5, completed: 5, failed: 0 },
      progress: { total: 5, completed: 5, failed: 0, remaining: 0, etaSeconds: null },
      errors: [],
      inputFile: { id: file.id, filename: 'questions.jsonl', bytes: Number(file.bytes), lineCount: 5 },
      errorFile: null,
      parentBatchId: null,
      retryBatchIds: [],
    })
    expect(batch.usage?.totalTokens).toBeGreaterThan(0)
    expect(batch.usage?.totalTokens).toBe(batch.usage!.inputTokens + batch.usage!.outputTokens)
    for (const key of ['createdAt', 'inProgressAt', 'finalizingAt', 'completedAt', 'expiresAt'] as const)
      expect(batch.timeline[key]).toEqual(expect.any(String))
    expect(batch.timeline.failedAt).toBeNull()
    expect(batch.outputFile).toMatchObject({ id: expect.stringMatching(/^file-/), filename: expect.stringContaining('output'), bytes: expect.any(Number) })

    const output = await db.file.findUniqueOrThrow({ where: { id: batch.outputFile!.id! } })
    expect(
      parseResultLines(readFileSync(fromStoragePath(output.storagePath!), 'utf8'))
        .map((line) => line.custom_id)
        .sort(),
    ).toEqual(['request-1', 'request-2', 'request-3', 'request-4', 'request-5'])

    const list = await callRoute(getBatchesRoute, '/api/batches')
    expect(
      (list.body as { data: { id: string; endedAt: string | null; inProgressAt: string | null }[] }).data.find((row) => row.id === batch.id),
    ).toMatchObject({
      endedAt: batch.timeline.completedAt,
      inProgressAt: batch.timeline.inProgressAt,
    })

    // Finished: cancel is refused as OpenAI refuses it, and the record can go while its files stay.
    expect(await cancelBatch({ batchId: batch.id })).toEqual({
      ok: false,
      error: { code: 'conflict', message: "Cannot cancel a batch with status 'completed'." },
    })
    expect(await deleteBatch({ batchId: batch.id })).toEqual({ ok: true, data: { id: batch.id, remoteFilesDeleted: 0, remoteFilesPending: 0 } })
    expect(await readBatch(batch.id)).toMatchObject({ status: 404 })
    expect(await db.engineRun.count({ where: { batchId: batch.id } })).toBe(0)
    expect(await db.file.count({ where: { id: { in: [file.id, output.id] } } })).toBe(2)
  })
})

describe('cancel and delete on a batch that is still running', () => {
  it('refuses to delete an active batch, cancels it, and reports validation errors by line', async () => {
    const file = await storeFile(2)
    // No scheduler here: the batch stays where it is put.
    await db.batch.create({
      data: {
        id: 'batch_running',
        connectionId: 'builtin',
        remoteId: 'batch_running',
        endpoint: '/v1/chat/completions',
        status: 'in_progress',
        inputFileId: file.id,
        requestCountTotal: 2,
        engineRun: { create: {} },
      },
    })
    expect(await deleteBatch({ batchId: 'batch_running' })).toMatchObject({
      ok: false,
      error: { code: 'batch_active', message: expect.stringContaining('Cancel it') },
    })
    expect(await cancelBatch({ batchId: 'batch_running' })).toEqual({ ok: true, data: { id: 'batch_running', status: 'cancelling' } })
    const { batch } = await readBatch('batch_running')
    expect(batch).toMatchObject({ status: 'cancelling', timeline: { cancellingAt: expect.any(String) } })

    await db.batch.create({
      data: {
        id: 'batch_invalid',
        connectionId: 'builtin',
        endpoint: '/v1/chat/completions',
        status: 'failed',
        failedAt: new Date(),
        inputFileId: file.id,
        errors: [{ code: 'invalid_json_line', message: 'Line 2 is not valid JSON.', param: null, line: 2 }],
      },
    })
    expect((await readBatch('batch_invalid')).batch.errors).toEqual([{ code: 'invalid_json_line', message: 'Line 2 is not valid JSON.', param: null, line: 2 }])
    expect(await callRoute(getBatchRoute, '/api/batches/nope', { batchId: 'nope' })).toMatchObject({ status: 400 })
    expect(await callRoute(getBatchRoute, '/api/batches/batch_missing', { batchId: 'batch_missing' })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    })
  })
})
