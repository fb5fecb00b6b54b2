import { describe, expect, it } from 'vitest'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { queryRows } from '@/lib/server/db/prepared'

// The hot reads run past the Prisma client (lib/server/db/prepared.ts); callers keep the row types `$queryRaw` gives,
// so the two must agree on every kind of column, on SQLite and on PostgreSQL.

const createdAt = new Date(Date.UTC(2026, 10, 3, 4, 5, 6, 789))

async function createBatch(id: string, fields: Partial<Prisma.BatchUncheckedCreateInput> = {}) {
  await db.batch.create({ data: { id, connectionId: 'builtin', endpoint: '/v1/chat/completions', createdAt, ...fields } })
}

describe('queryRows', () => {
  it('reads every kind of column as $queryRaw does: dates, big integers, JSON, booleans, nulls and expressions', async () => {
    await db.file.create({ data: { id: 'file-prepared', filename: 'in.jsonl', purpose: 'batch', bytes: 9_007_199_254_740_993n, storagePath: 'files/p' } })
    await createBatch('batch_prepared_full', {
      inputFileId: 'file-prepared',
      status: 'completed',
      metadata: { team: 'research', run: 'r1' },
      errors: [{ code: 'invalid', message: 'bad line', line: 3 }],
      requestCountTotal: 12,
      usageTotalTokens: 3_000_000_000n,
      usageByModel: '{"gpt-4o-mini":{"input":1}}',
      completedAt: new Date(Date.UTC(2026, 10, 4)),
      simulated: true,
    })
    await createBatch('batch_prepared_empty')
    const query = Prisma.sql`SELECT b."id", b."status", b."metadata", b."errors", b."requestCountTotal", b."usageTotalTokens", b."usageInputTokens",
        b."usageByModel", b."createdAt", b."completedAt", b."simulated", f."bytes", f."lineCount", (b."requestCountTotal" + 1) AS "plusOne",
        EXISTS (SELECT 1 FROM "File" AS x WHERE x."id" = b."inputFileId") AS "hasInput"
      FROM "Batch" AS b LEFT JOIN "File" AS f ON f."id" = b."inputFileId"
      WHERE b."id" IN (${Prisma.join(['batch_prepared_full', 'batch_prepared_empty'])}) ORDER BY b."id" ASC`
    const prepared = await queryRows<Record<string, unknown>>(query)
    expect(prepared).toEqual(await db.$queryRaw<Record<string, unknown>[]>(query))
    expect(prepared[1]).toMatchObject({
      id: 'batch_prepared_full',
      metadata: { team: 'research', run: 'r1' },
      errors: [{ code: 'invalid', message: 'bad line', line: 3 }],
      requestCountTotal: 12,
      usageTotalTokens: 3_000_000_000n,
      usageInputTokens: null,
      createdAt,
      simulated: true,
      bytes: 9_007_199_254_740_993n,
    })
    expect(prepared[0]).toMatchObject({ id: 'batch_prepared_empty', metadata: null, completedAt: null, simulated: false, bytes: null })
    // The same statement again (prepared once) reads the same.
    expect(await queryRows(query)).toEqual(prepared)
  })

  it('compares a DateTime column with a Date parameter, and sees a write made through the client at once', async () => {
    const byDate = (at: Date) =>
      queryRows<{ id: string }>(Prisma.sql`SELECT b."id" FROM "Batch" AS b WHERE b."id" = 'batch_prepared_date' AND b."createdAt" = ${at}`)
    expect(await byDate(createdAt)).toEqual([])
    await createBatch('batch_prepared_date')
    expect(await byDate(createdAt)).toEqual([{ id: 'batch_prepared_date' }])
    expect(await byDate(new Date(createdAt.getTime() + 1))).toEqual([])
    await db.batch.delete({ where: { id: 'batch_prepared_date' } })
    expect(await byDate(createdAt)).toEqual([])
  })

  it('fails with the database error for bad SQL, and keeps working after it', async () => {
    await expect(queryRows(Prisma.sql`SELECT "nope" FROM "Batch"`)).rejects.toThrow(/nope/)
    expect(await queryRows<{ n: unknown }>(Prisma.sql`SELECT COUNT(*) AS "n" FROM "Connection" AS c WHERE c."id" = ${'builtin'}`)).toEqual(
      await db.$queryRaw(Prisma.sql`SELECT COUNT(*) AS "n" FROM "Connection" AS c WHERE c."id" = ${'builtin'}`),
    )
  })
})
