import { beforeAll, describe, expect, it } from 'vitest'
import { GET as getPage } from '@/app/api/batches/[batchId]/results/route'
import { db } from '@/lib/server/db'
import type { ResultPage } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

// The results page's orders, the same on both databases: a row without a line (a result whose custom_id is not in
// the input) or without tokens sorts first ascending and last descending, as SQLite has always shown it, ties go by
// row id, and pages cut at any offset hold the same rows as one long page. On PostgreSQL each order is walked in an
// index of its own (prisma/postgresql/migrations/20261205180000_search_indexes), which must sort NULLs the same way.

const BATCH = 'batch_result_order'

type Row = { id: number; customId: string; line: number | null; status: string; totalTokens: number | null }
let rows: Row[] = []

const page = async (query: string) => {
  const { status, body } = await callRoute(getPage, `/api/batches/${BATCH}/results?${query}`, { batchId: BATCH })
  expect(status, JSON.stringify(body)).toBe(200)
  return body as ResultPage
}

/** Ascending with NULL first; `undefined` never occurs. */
const compareNullable = (a: number | string | null, b: number | string | null) => {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

const SORT_KEYS = {
  line: (row: Row) => [row.line, row.id],
  status: (row: Row) => [row.status, row.line, row.id],
  tokens: (row: Row) => [row.totalTokens, row.line, row.id],
} as const

function expectedOrder(sort: keyof typeof SORT_KEYS, order: 'asc' | 'desc'): string[] {
  const key = SORT_KEYS[sort]
  const ascending = [...rows].sort((a, b) => {
    const [left, right] = [key(a), key(b)]
    for (let index = 0; index < left.length; index++) {
      const compared = compareNullable(left[index]!, right[index]!)
      if (compared !== 0) return compared
    }
    return 0
  })
  return (order === 'asc' ? ascending : ascending.reverse()).map((row) => row.customId)
}

beforeAll(async () => {
  await db.batch.create({ data: { id: BATCH, connectionId: 'builtin', endpoint: '/v1/chat/completions', status: 'completed', requestCountTotal: 8 } })
  const statuses = ['succeeded', 'failed', 'missing', 'succeeded']
  await db.resultRow.createMany({
    data: [
      // Written out of line order, so row ids and lines disagree; two stray results, and a tie on tokens and status.
      ...[5, 2, 8, 1, 7, 3, 6, 4].map((line) => ({
        batchId: BATCH,
        customId: `req-${line}`,
        line,
        status: statuses[line % 4]!,
        totalTokens: line % 3 === 0 ? null : (line % 2) * 10,
      })),
      { batchId: BATCH, customId: 'stray-b', line: null, status: 'succeeded', totalTokens: 10 },
      { batchId: BATCH, customId: 'stray-a', line: null, status: 'failed', totalTokens: null },
    ],
  })
  await db.resultIndex.create({ data: { batchId: BATCH, state: 'ready', rowCount: 10 } })
  rows = await db.resultRow.findMany({ where: { batchId: BATCH }, select: { id: true, customId: true, line: true, status: true, totalTokens: true } })
  expect(rows).toHaveLength(10)
})

describe('the results page order', () => {
  for (const sort of ['line', 'status', 'tokens'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`by ${sort}, ${order}: line-less and token-less rows first ascending, last descending, the same in pages of 3`, async () => {
        const expected = expectedOrder(sort, order)
        const whole = await page(`sort=${sort}&order=${order}&limit=100`)
        expect(whole.data.map((row) => row.customId)).toEqual(expected)
        expect(whole.total).toBe(10)

        const paged: string[] = []
        for (let offset = 0; offset < 10; offset += 3) {
          const part = await page(`sort=${sort}&order=${order}&limit=3&offset=${offset}`)
          expect(part.nextOffset).toBe(offset + 3 < 10 ? offset + 3 : null)
          paged.push(...part.data.map((row) => row.customId))
        }
        expect(paged).toEqual(expected)
      })
    }
  }

  it('keeps the order under a filter: failed rows by line, the stray one first', async () => {
    const failed = await page('status=failed&limit=100')
    expect(failed.data.map((row) => row.customId)).toEqual(
      expectedOrder('line', 'asc').filter((id) => rows.find((row) => row.customId === id)!.status === 'failed'),
    )
    expect(failed.data[0]?.customId).toBe('stray-a')
  })
})
