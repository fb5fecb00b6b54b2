import { describe, expect, it } from 'vitest'
import { pageQuery } from '@/lib/server/batches/list'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { filterSql, pageRowsSql } from '@/lib/server/results/query'
import { searchCondition } from '@/lib/server/results/search'
import { batchListQuery } from '@/lib/validations/batches'
import { resultPageQuery } from '@/lib/validations/results'
import { testDatabaseKind } from '@/tests/support/test-database'

// The hand-written PostgreSQL indexes (prisma/postgresql/migrations/20261205180000_search_indexes and the baseline's
// full-text index) serve only queries whose expressions, operators and NULLS orders match theirs exactly; a query
// edited out of step with them still answers right, only by reading whole tables (docs/decisions/060-batch-search-on-
// postgresql.md). So each query's plan is read with the planner's other ways out switched off: where no index
// matches, the plan shows a sequential scan or an extra sort. On a few rows the planner would rightly pick those
// anyway, so this checks that the index CAN serve the query; the benches measure which plan it takes at scale.

/** The plan of `sql`, one line per node, with scans (and, unless `sorts`, sorts) other than the indexes' disabled. */
async function planOf(sql: Prisma.Sql, { sorts = false } = {}): Promise<string> {
  return db.$transaction(async (tx) => {
    for (const setting of ['enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan', ...(sorts ? [] : ['enable_sort'])])
      await tx.$executeRawUnsafe(`SET LOCAL ${setting} = off`)
    const rows = await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql.text}`, ...sql.values)
    return rows.map((row) => row['QUERY PLAN']).join('\n')
  })
}

/** The same, but ordered scans allowed: the results orders are index scans, not bitmaps. */
async function orderedPlanOf(sql: Prisma.Sql): Promise<string> {
  return db.$transaction(async (tx) => {
    for (const setting of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort']) await tx.$executeRawUnsafe(`SET LOCAL ${setting} = off`)
    const rows = await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql.text}`, ...sql.values)
    return rows.map((row) => row['QUERY PLAN']).join('\n')
  })
}

/** Sort nodes (`Sort  (cost=…)`), not their `Sort Key:` lines. */
const sortNodes = (plan: string) => plan.split('\n').filter((line) => /^\s*(->\s+)?Sort\s+\(/.test(line)).length

describe.skipIf(testDatabaseKind() !== 'postgresql')('PostgreSQL plans for search and sorting', () => {
  it('answers the batch list search from the trigram indexes, never a scan of Batch or File', async () => {
    const plan = await planOf(pageQuery(batchListQuery.parse({ q: 'nightly' })), { sorts: true })
    expect(plan).toContain('Batch_search_idx')
    expect(plan).toContain('File_filename_search_idx')
    expect(plan).not.toMatch(/Seq Scan/)
  })

  it('answers the results search from the full-text index', async () => {
    const search = searchCondition('budgets rep')
    expect(search).not.toBeNull()
    const plan = await planOf(Prisma.sql`SELECT r."id" FROM "ResultRow" AS r WHERE ${search!}`)
    expect(plan).toContain('ResultRow_search_idx')
    expect(plan).not.toMatch(/Seq Scan/)
  })

  const ORDER_INDEXES = {
    line: 'ResultRow_batchId_line_id_idx',
    status: 'ResultRow_batchId_status_line_id_idx',
    tokens: 'ResultRow_batchId_totalTokens_line_id_idx',
  }
  for (const [sort, index] of Object.entries(ORDER_INDEXES)) {
    it(`walks the results page's ${sort} order in ${index}, both ways, sorting only the page's own rows`, async () => {
      for (const order of ['asc', 'desc']) {
        const query = resultPageQuery.parse({ sort, order, limit: '200', offset: '1000' })
        const plan = await orderedPlanOf(pageRowsSql(filterSql('batch_plan', query), query))
        expect(plan, plan).toContain(index)
        // At most the outer sort, of the page's own (at most 200) rows; an index out of step would add one of them all.
        expect(sortNodes(plan), plan).toBeLessThanOrEqual(1)
      }
    })
  }
})
