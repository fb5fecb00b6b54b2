import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GET as getBatch } from '@/app/api/batches/[batchId]/route'
import { createApiKey, revokeApiKey } from '@/lib/actions/api-keys'
import { db } from '@/lib/server/db'
import { createSession } from '@/lib/server/auth/sessions'
import { createEngineBatch } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { chatFile } from '@/tests/support/batch-files'
import { waitFor } from '@/tests/support/engine'
import { callRoute } from '@/tests/support/routes'
import { upload } from '@/tests/support/uploads'
import { exited, startWorker } from '@/tests/support/worker'

const BATCHES = 4
const LINES = 1_500
const workers: Awaited<ReturnType<typeof startWorker>>[] = []

// After each test, not all: a retried test (vitest.config.mts) must not meet the processes of its first try.
afterEach(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL')
  await Promise.all(workers.splice(0).map(exited))
})

// SQLite allows one writer at a time. Two engine workers (separate processes, each committing every ~50 ms)
// and this process (uploads, API keys, sessions, reads) write to one database at once: every write must
// wait its turn (WAL + busy_timeout) rather than fail with "database is locked".
describe('SQLite under concurrent writers', () => {
  it('loses no write and shows no "database is locked", to users or in the log', { timeout: 180_000 }, async () => {
    const batchIds: string[] = []
    for (let index = 0; index < BATCHES; index++) {
      const temp = path.join(os.tmpdir(), `writers-${process.pid}-${index}.jsonl`)
      writeFileSync(temp, chatFile(LINES, { model: 'sim-chat', content: `batch ${index}` }))
      const { file } = await ingestFile(temp, { filename: `writers-${index}.jsonl`, rejectInvalid: true, reuseDuplicate: false })
      batchIds.push((await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })).id)
    }
    const env = { BATCHBOARD_SIMULATOR_LATENCY_MS: '1', BATCHBOARD_SIMULATOR_CONCURRENCY: '32' }
    workers.push(await startWorker(env), await startWorker(env))

    const failures: string[] = []
    const note = (what: string) => (error: unknown) => void failures.push(`${what}: ${error instanceof Error ? error.message : JSON.stringify(error)}`)
    const uploads = Array.from({ length: 20 }, (_, index) =>
      upload(`writer-${index}.jsonl`, chatFile(200, { content: `upload ${index}` }), 4_000).then(
        ({ result }) => {
          if (!result.ok) note(`upload ${index}`)(result.error)
        },
        note(`upload ${index}`),
      ),
    )
    const keys = Array.from({ length: 30 }, async (_, index) => {
      const created = await createApiKey({ name: `writer key ${index}` })
      if (!created.ok) return note(`api key ${index}`)(created.error)
      const revoked = await revokeApiKey({ id: created.data.id })
      if (!revoked.ok) note(`revoke ${index}`)(revoked.error)
    })
    const sessions = Array.from({ length: 30 }, (_, index) => createSession().catch(note(`session ${index}`)))
    const reads = Array.from({ length: 40 }, async (_, index) => {
      const { status, body } = await callRoute(getBatch, `/api/batches/${batchIds[index % BATCHES]}`, { batchId: batchIds[index % BATCHES]! })
      if (status !== 200) note(`read ${index}`)(body)
    })
    await Promise.all([...uploads, ...keys, ...sessions, ...reads])

    const done = await waitFor(
      () => db.batch.findMany({ where: { id: { in: batchIds } } }),
      (batches) => batches.every((batch) => batch.status === 'completed'),
      150_000,
      200,
    )
    for (const worker of workers) worker.kill('SIGTERM')
    await Promise.all(workers.map(exited))

    expect(failures).toEqual([])
    for (const batch of done) expect(batch).toMatchObject({ requestCountTotal: LINES, requestCountCompleted: LINES, requestCountFailed: 0 })
    expect(await db.file.count({ where: { filename: { startsWith: 'writer-' } } })).toBe(20)
    expect(await db.apiKey.count({ where: { name: { startsWith: 'writer key' }, revokedAt: { not: null } } })).toBe(30)
    expect(await db.session.count()).toBe(30)
    for (const worker of workers) expect(worker.stderrText()).not.toMatch(/locked|SQLITE_BUSY/i)
  })
})
