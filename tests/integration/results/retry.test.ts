import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { retryBatchLines } from '@/lib/actions/batches'
import { GET as getPage } from '@/app/api/batches/[batchId]/results/route'
import { GET as getFacets } from '@/app/api/batches/[batchId]/results/facets/route'
import { db } from '@/lib/server/db'
import { createEngineBatch, startScheduler, type Scheduler } from '@/lib/server/engine'
import { SIM_ECHO, SIM_FAIL_ONCE } from '@/lib/server/engine/simulator'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import type { ResultFacets, ResultPage } from '@/lib/types'
import { chatLine } from '@/tests/support/batch-files'
import { FAST_ENGINE, waitFor } from '@/tests/support/engine'
import { callRoute } from '@/tests/support/routes'

let scheduler: Scheduler
beforeAll(() => {
  scheduler = startScheduler(FAST_ENGINE)
})
afterAll(() => scheduler.stop())

const nonce = Math.random().toString(36).slice(2)
// Lines 2, 4 and 5 are refused once by the simulator; the rest succeed the first time.
const contents = [1, 2, 3, 4, 5, 6].map((n) => ([2, 4, 5].includes(n) ? `${SIM_FAIL_ONCE} question ${n} ${nonce}` : `${SIM_ECHO} answer number ${n}`))
const lines = contents.map((content, index) => chatLine({ customId: `q-${index + 1}`, model: 'sim-chat', content }))

async function runToEnd(batchId: string) {
  return waitFor(
    () => db.batch.findUniqueOrThrow({ where: { id: batchId }, include: { resultIndex: true } }),
    (b) => b.status === 'completed' && b.resultIndex?.state === 'ready',
  )
}

const facetsOf = async (batchId: string) => (await callRoute(getFacets, `/api/batches/${batchId}/results/facets`, { batchId })).body as ResultFacets
const rowsOf = async (batchId: string) => ((await callRoute(getPage, `/api/batches/${batchId}/results`, { batchId })).body as ResultPage).data
const countOf = (facets: ResultFacets, status: string) => facets.statuses.find((s) => s.status === status)?.count

describe('retrying the lines that failed', () => {
  it('indexes at finalize, retries exactly the failed lines in a child batch, and merges the child into the parent', async () => {
    const temp = path.join(os.tmpdir(), `retry-${nonce}.jsonl`)
    writeFileSync(temp, `${lines.join('\n')}\n`)
    const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
    const parent = await createEngineBatch({ inputFileId: file.id, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null })
    await runToEnd(parent.id)

    const before = await facetsOf(parent.id)
    expect(countOf(before, 'succeeded')).toBe(3)
    expect(countOf(before, 'failed')).toBe(3)
    expect(before.errorCodes).toEqual([{ code: 'simulated_failure', count: 3 }])
    const echoed = (await rowsOf(parent.id)).find((row) => row.customId === 'q-3')
    expect(echoed?.response).toBe('answer number 3')
    // The engine timed every answered line, refused ones included, and the index carries it.
    expect((await rowsOf(parent.id)).map((row) => typeof row.latencyMs === 'number' && row.latencyMs >= 0)).toEqual([true, true, true, true, true, true])

    const result = await retryBatchLines({ batchId: parent.id })
    if (!result.ok) throw new Error(result.error.message)
    expect(result.data.lineCount).toBe(3)
    const child = await db.batch.findUniqueOrThrow({ where: { id: result.data.id }, include: { inputFile: true } })
    expect(child.parentBatchId).toBe(parent.id)
    expect(child.connectionId).toBe('builtin')
    // Exactly the failed input lines, byte for byte, in file order.
    expect(readFileSync(fromStoragePath(child.inputFile!.storagePath!), 'utf8')).toBe(`${[lines[1], lines[3], lines[4]].join('\n')}\n`)

    await runToEnd(child.id)
    const childFacets = await facetsOf(child.id)
    expect(countOf(childFacets, 'succeeded')).toBe(3)
    const merged = await waitFor(
      () => facetsOf(parent.id),
      (f) => countOf(f, 'succeeded') === 6,
    )
    expect(countOf(merged, 'failed')).toBe(0)
    expect(merged.retryCount).toBe(1)
    const rows = await rowsOf(parent.id)
    expect(rows.map((row) => [row.customId, row.status, row.sourceBatchId])).toEqual([
      ['q-1', 'succeeded', parent.id],
      ['q-2', 'succeeded', child.id],
      ['q-3', 'succeeded', parent.id],
      ['q-4', 'succeeded', child.id],
      ['q-5', 'succeeded', child.id],
      ['q-6', 'succeeded', parent.id],
    ])
    // Re-indexing the parent keeps the merge, and full-text search sees the retry's answers.
    await import('@/lib/server/results').then(({ indexBatchResults }) => indexBatchResults(parent.id))
    expect(countOf(await facetsOf(parent.id), 'succeeded')).toBe(6)
    const search = (await callRoute(getPage, `/api/batches/${parent.id}/results?q=Simulated`, { batchId: parent.id })).body as ResultPage
    expect(search.data.map((row) => row.customId)).toEqual(['q-2', 'q-4', 'q-5'])

    const again = await retryBatchLines({ batchId: parent.id })
    expect(again).toMatchObject({ ok: false, error: { code: 'nothing_to_retry' } })
  })
})
