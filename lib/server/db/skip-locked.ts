import 'server-only'
import { Prisma } from './generated/client'
import { db } from './index'

export type SkipLockedClaim = {
  /** The table whose rows are claimed, e.g. `"EngineRun"`. */
  table: Prisma.Sql
  /** Its key column, unqualified, e.g. `"batchId"`. */
  key: Prisma.Sql
  /** What the claim writes, e.g. `"leaseOwner" = ${owner}`. */
  set: Prisma.Sql
  /** The candidates: `FROM … WHERE …`, the claimed table aliased `alias` (joins allowed). */
  from: Prisma.Sql
  alias: string
  orderBy: Prisma.Sql
  limit: number
}

/**
 * PostgreSQL only: claims up to `limit` candidate rows in one statement, skipping rows another transaction holds
 * locked, and returns their keys. N processes claiming at once each take different rows and never wait on one
 * another (https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE): a compare-and-set would make
 * all but one block on the first row, then find it taken. The candidate query and the update are one statement,
 * so a row seen free is still free when written. SQLite has one writer at a time and keeps its compare-and-set.
 */
export async function claimSkipLocked({ table, key, set, from, alias, orderBy, limit }: SkipLockedClaim): Promise<string[]> {
  if (limit <= 0) return []
  const as = Prisma.raw(alias)
  const rows = await db.$queryRaw<{ key: string }[]>(Prisma.sql`
    UPDATE ${table} SET ${set}
    WHERE ${key} IN (SELECT ${as}.${key} ${from} ORDER BY ${orderBy} LIMIT ${limit} FOR UPDATE OF ${as} SKIP LOCKED)
    RETURNING ${key} AS "key"`)
  return rows.map((row) => row.key)
}

/** A timestamp parameter as PostgreSQL's `timestamp(3)` (UTC wall time, how Prisma stores DateTime), whatever the session's time zone. */
export const utcTimestamp = (at: Date) => Prisma.sql`CAST(${at.toISOString().slice(0, 23)} AS TIMESTAMP(3))`
