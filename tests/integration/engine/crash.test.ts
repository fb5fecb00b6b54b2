import type { ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { db } from '@/lib/server/db'
import { createEngineBatch } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import { chatFile } from '@/tests/support/batch-files'
import { parseResultLines, waitFor } from '@/tests/support/engine'
import { exited, startWorker as startWorkerProcess } from '@/tests/support/worker'

const LINES = 10_000
const workers: ChildProcess[] = []

const WORKER_ENV = {
  BATCHBOARD_SIMULATOR_LATENCY_MS: '5',
  BATCHBOARD_SIMULATOR_CONCURRENCY: '16',
  // Some lines fail for good, so both result files are written when the worker dies.
  BATCHBOARD_SIMULATOR_ERROR_RATE: '0.05',
  BATCHBOARD_ENGINE_MAX_ATTEMPTS: '1',
}

async function startWorker() {
  const child = await startWorkerProcess(WORKER_ENV)
  workers.push(child)
  return child
}

// After each test, not all: a retried test (vitest.config.mts) must not meet the processes of its first try.
afterEach(async () => {
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await Promise.all(workers.splice(0).map(exited))
})

describe('a worker killed with SIGKILL mid-batch', () => {
  it('resumes on restart and finishes with every line exactly once', { timeout: 300_000 }, async () => {
    const temp = path.join(os.tmpdir(), `crash-${Date.now()}.jsonl`)
    writeFileSync(temp, chatFile(LINES, { model: 'sim-chat' }))
    const { file } = await ingestFile(temp, { filename: 'crash.jsonl', rejectInvalid: true, reuseDuplicate: false })
    const { id } = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
    const read = () => db.batch.findUniqueOrThrow({ where: { id } })

    const first = await startWorker()
    const midway = await waitFor(read, (b) => b.requestCountCompleted + b.requestCountFailed >= 2_000, 120_000, 20)
    first.kill('SIGKILL')
    await exited(first)
    const atCrash = await read()
    expect(midway.status).toBe('in_progress')
    expect(atCrash.requestCountCompleted + atCrash.requestCountFailed).toBeLessThan(LINES)

    const second = await startWorker()
    const batch = await waitFor(read, (b) => b.status === 'completed', 170_000, 100)
    second.kill('SIGTERM')
    await exited(second)

    const lines = async (fileId: string | null) =>
      fileId ? parseResultLines(readFileSync(fromStoragePath((await db.file.findUniqueOrThrow({ where: { id: fileId } })).storagePath!), 'utf8')) : []
    const output = await lines(batch.outputFileId)
    const errors = await lines(batch.errorFileId)
    expect(errors.length).toBeGreaterThan(0)
    const ids = [...output, ...errors].map((line) => line.custom_id)
    expect(ids).toHaveLength(LINES)
    expect(new Set(ids).size).toBe(LINES)
    expect(batch).toMatchObject({ requestCountTotal: LINES, requestCountCompleted: output.length, requestCountFailed: errors.length })
    const outputFile = await db.file.findUniqueOrThrow({ where: { id: batch.outputFileId! } })
    expect(Number(outputFile.bytes)).toBe(readFileSync(fromStoragePath(outputFile.storagePath!)).length)
  })
})
