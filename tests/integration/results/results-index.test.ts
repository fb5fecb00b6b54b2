import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { GET as getPage } from '@/app/api/batches/[batchId]/results/route'
import { GET as getFacets } from '@/app/api/batches/[batchId]/results/facets/route'
import { GET as getRow } from '@/app/api/batches/[batchId]/results/row/route'
import { GET as getExport } from '@/app/api/batches/[batchId]/results/export/route'
import { db } from '@/lib/server/db'
import { indexBatchResults } from '@/lib/server/results'
import { workerPoolStats } from '@/lib/server/workers/pool'
import type { ResultFacets, ResultPage, ResultRowDetail } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'
import { answerOf, customIdOf, expectedCounts, outcomeOf, promptOf } from '@/tests/support/result-files'
import { NextRequest } from 'next/server'
import { seedGeneratedBatch } from './seed'

const LINES = 50_000
const BATCH = 'batch_results50k'
const expected = expectedCounts(LINES)
let paths: Awaited<ReturnType<typeof seedGeneratedBatch>>

const page = async (query: string) => {
  const { status, body } = await callRoute(getPage, `/api/batches/${BATCH}/results?${query}`, { batchId: BATCH })
  expect(status, JSON.stringify(body)).toBe(200)
  return body as ResultPage
}

beforeAll(async () => {
  paths = await seedGeneratedBatch(BATCH, LINES)
  const outcome = await indexBatchResults(BATCH)
  expect(outcome).toMatchObject({ state: 'ready', rowCount: LINES, message: null })
}, 120_000)

describe('a 50,000-line batch with mixed outcomes, indexed', () => {
  it('counts every status and error code', async () => {
    const { body } = await callRoute(getFacets, `/api/batches/${BATCH}/results/facets`, { batchId: BATCH })
    const facets = body as ResultFacets
    expect(facets.index).toMatchObject({ state: 'ready', rowCount: LINES })
    expect(Object.fromEntries(facets.statuses.map((s) => [s.status, s.count]))).toEqual({
      succeeded: expected.succeeded,
      failed: expected.context_length_exceeded + expected.server_error,
      expired: expected.expired,
      cancelled: expected.cancelled,
      missing: expected.missing,
    })
    expect(facets.errorCodes).toEqual([
      { code: 'context_length_exceeded', count: expected.context_length_exceeded },
      { code: 'server_error', count: expected.server_error },
      { code: 'batch_cancelled', count: expected.cancelled },
      { code: 'batch_expired', count: expected.expired },
    ])
  })

  it('filters pages by status and error code, with totals', async () => {
    const failed = await page('status=failed&limit=500')
    expect(failed.total).toBe(expected.context_length_exceeded + expected.server_error)
    expect(failed.data).toHaveLength(500)
    expect(failed.data.every((row) => row.status === 'failed' && ['context_length_exceeded', 'server_error'].includes(outcomeOf(row.line!)))).toBe(true)
    expect(failed.nextOffset).toBe(500)
    const several = await page('status=expired,cancelled,missing&limit=1')
    expect(several.total).toBe(expected.expired + expected.cancelled + expected.missing)
    const code = await page('errorCode=server_error&limit=500&offset=1000')
    expect(code.total).toBe(expected.server_error)
    expect(code.data.every((row) => outcomeOf(row.line!) === 'server_error' && row.statusCode === 500)).toBe(true)
  })

  it('joins each output line to its input by custom_id although they came back shuffled', async () => {
    const deep = await page('offset=31000&limit=200')
    expect(deep.data.map((row) => row.line)).toEqual(Array.from({ length: 200 }, (_, i) => 31_001 + i))
    for (const row of deep.data) {
      const line = row.line!
      expect(row.customId).toBe(customIdOf(line))
      expect(row.prompt).toBe(promptOf(line))
      if (outcomeOf(line) === 'succeeded') {
        expect(row.response).toBe(answerOf(line))
        expect(row.totalTokens).toBe(30 + (line % 90))
        expect(row.finishReason).toBe(line % 50 === 11 ? 'length' : 'stop')
      } else expect(row.response === null || row.response === '').toBe(true)
    }
  })

  it('reads a row’s input and output lines by byte offset', async () => {
    const { status, body } = await callRoute(getRow, `/api/batches/${BATCH}/results/row?customId=req-40011`, { batchId: BATCH })
    expect(status).toBe(200)
    const detail = body as ResultRowDetail
    const inputLines = readFileSync(paths.input, 'utf8').split('\n')
    expect(detail.inputLine).toBe(inputLines[40_010])
    expect(JSON.parse(detail.resultLine!)).toMatchObject({ custom_id: 'req-40011', response: { status_code: 200 } })
    const missing = (await callRoute(getRow, `/api/batches/${BATCH}/results/row?customId=req-40010`, { batchId: BATCH })).body as ResultRowDetail
    expect(missing.row.status).toBe('missing')
    expect(missing.resultLine).toBeNull()
  })

  it('finds rows by full text in prompts and responses, and by exact custom_id', async () => {
    const zebras = await page('q=zebra&limit=500')
    expect(zebras.total).toBe(LINES / 1000)
    expect(zebras.data.every((row) => row.line! % 1000 === 0)).toBe(true)
    const quokkas = await page('q=quokka&limit=500')
    expect(quokkas.total).toBe(Array.from({ length: LINES / 500 }, (_, i) => (i + 1) * 500).filter((line) => outcomeOf(line) === 'succeeded').length)
    const both = await page('q=zebra%20quokka')
    expect(both.data.every((row) => row.line! % 1000 === 0 && outcomeOf(row.line!) === 'succeeded')).toBe(true)
    const prefix = await page('q=quok')
    expect(prefix.total).toBe(quokkas.total)
    const exact = await page('q=req-123')
    expect(exact.data.map((row) => row.customId)).toEqual(['req-123'])
    // FTS syntax typed by a user is text, not an error.
    expect((await page('q=%22AND%20(NEAR')).total).toBe(0)
  })

  it('sorts by tokens and status', async () => {
    const byTokens = await page('sort=tokens&order=desc&limit=50')
    expect(byTokens.data[0]!.totalTokens).toBe(30 + 89)
    const tokens = byTokens.data.map((row) => row.totalTokens!)
    expect([...tokens].sort((a, b) => b - a)).toEqual(tokens)
    const byStatus = await page('sort=status&limit=1')
    expect(byStatus.data[0]!.status).toBe('cancelled')
  })

  it('exports the filtered rows as CSV, streamed, with chosen input fields', async () => {
    const response = await getExport(
      new NextRequest(new URL(`http://127.0.0.1/api/batches/${BATCH}/results/export?format=csv&status=failed&fields=prompt,temperature`)),
      {
        params: Promise.resolve({ batchId: BATCH }),
      },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/csv')
    const lines = (await response.text()).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'custom_id,line,status,prompt,input.temperature,output_text,status_code,error_code,error_message,finish_reason,input_tokens,output_tokens,total_tokens,source_batch_id',
    )
    expect(lines).toHaveLength(1 + expected.context_length_exceeded + expected.server_error)
    expect(lines[1]).toBe(`req-1,1,failed,${promptOf(1)},0.2,,400,context_length_exceeded,Too long.,,,,,${BATCH}`)
  })

  it('exports all 50,000 rows as JSONL with inputs, outputs and errors', async () => {
    const response = await getExport(new NextRequest(new URL(`http://127.0.0.1/api/batches/${BATCH}/results/export?format=jsonl`)), {
      params: Promise.resolve({ batchId: BATCH }),
    })
    const records = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { custom_id: string; line: number; status: string; output_text: string | null; input: { temperature: number } })
    expect(records).toHaveLength(LINES)
    expect(records[49_998]).toMatchObject({
      custom_id: 'req-49999',
      line: 49_999,
      status: 'succeeded',
      output_text: answerOf(49_999),
      input: { temperature: 0.2 },
    })
  })

  it('formats the export in the worker pool, a task per page of 1,000 rows, while this thread reads the pages', async () => {
    const before = workerPoolStats().completed
    const response = await getExport(new NextRequest(new URL(`http://127.0.0.1/api/batches/${BATCH}/results/export?format=csv`)), {
      params: Promise.resolve({ batchId: BATCH }),
    })
    const lines = (await response.text()).trimEnd().split('\r\n')
    expect(lines).toHaveLength(1 + LINES)
    expect(lines[LINES]).toMatch(/^req-50000,50000,/)
    expect(workerPoolStats().completed - before).toBeGreaterThanOrEqual(LINES / 1000)
  })

  it('re-indexes idempotently: the same rows, the same search hits', async () => {
    await indexBatchResults(BATCH)
    expect(await db.resultRow.count({ where: { batchId: BATCH } })).toBe(LINES)
    expect((await page('q=zebra')).total).toBe(LINES / 1000)
    expect(await db.resultRow.count({ where: { batchId: `${BATCH}:building` } })).toBe(0)
    // Indexing 50,000 lines again scales with CPU: as long as the first build's (beforeAll), not the default 30 s.
  }, 120_000)
})
