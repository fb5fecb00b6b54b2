import 'server-only'
import { db, dbKind } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'

// Full-text search over the rows' prompt and response, one query semantics on both databases: every word typed is
// required, the last one as a prefix (results follow the typing), accents and case ignored. SQLite keeps the text in
// the FTS5 table "ResultText", filled by the indexer once a batch's rows are complete; PostgreSQL has a GIN index over
// the same text (docs/decisions/045-full-text-on-postgresql.md), kept by PostgreSQL itself, so adding and replacing
// rows there needs no step of ours.

const WORD = /[\p{L}\p{N}_]+/gu

/** The words of a search, as the tokenizers see them; empty when it has none (punctuation only). */
const wordsOf = (text: string) => text.match(WORD) ?? []

/** FTS5: each word quoted (so `AND`, `-` or `"` are text, never syntax), the last one a prefix. */
export function toFtsQuery(text: string): string | null {
  const words = wordsOf(text)
  if (words.length === 0) return null
  return words.map((word, index) => `"${word}"${index === words.length - 1 ? '*' : ''}`).join(' ')
}

/** PostgreSQL tsquery: each word a quoted lexeme (words hold letters, digits and _ only), all required, the last a prefix. */
export function toTsQuery(text: string): string | null {
  const words = wordsOf(text)
  if (words.length === 0) return null
  return words.map((word, index) => `'${word}'${index === words.length - 1 ? ':*' : ''}`).join(' & ')
}

/** A condition on `r` (a "ResultRow") matching the search text, or null when the text has no words. */
export function searchCondition(text: string): Prisma.Sql | null {
  if (dbKind === 'postgresql') {
    const query = toTsQuery(text)
    // Expression and predicate are the partial GIN index's own (prisma/postgresql/migrations), so the index serves it.
    return query === null
      ? null
      : Prisma.sql`(r."batchId" NOT LIKE '%:building' AND batchboard_search_document(r."prompt", r."response") @@ batchboard_search_query(${query}))`
  }
  const query = toFtsQuery(text)
  return query === null ? null : Prisma.sql`r."id" IN (SELECT rowid FROM "ResultText" WHERE "ResultText" MATCH ${query})`
}

/** Statements that make a finished batch's rows searchable (none on PostgreSQL), to run in the swap's transaction. */
export function addToSearch(batchId: string): Prisma.PrismaPromise<number>[] {
  if (dbKind === 'postgresql') return []
  return [db.$executeRaw`INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" FROM "ResultRow" WHERE "batchId" = ${batchId}`]
}

/** Below this many rows, a plan made on statistics that do not know the batch still reads it quickly. */
const STATISTICS_AFTER_ROWS = 1_000

/**
 * After a finished batch's rows were swapped in, on PostgreSQL: refreshes the planner's statistics of "ResultRow", as
 * PostgreSQL advises after a bulk load (https://www.postgresql.org/docs/15/populate.html#POPULATE-ANALYZE). Until
 * autovacuum gets to it (which, on a large table, a single batch may never trigger), the planner takes a new batch for
 * a few hundred rows, and searches it by computing every row's text instead of asking the full-text index: 1.5 s
 * instead of 50 ms at 50,000 rows. ANALYZE reads a fixed-size sample, whatever the table's size.
 */
export async function refreshSearchStatistics(rowCount: number): Promise<void> {
  if (dbKind !== 'postgresql' || rowCount < STATISTICS_AFTER_ROWS) return
  await db.$executeRawUnsafe('ANALYZE "ResultRow"')
}

/**
 * Makes a job part's new rows for the input lines `lines` (a subquery) searchable (nothing to do on PostgreSQL), inside
 * the caller's transaction: a slice at a time, as they are inserted, rather than a 50,000-row part in one statement.
 */
export async function addJobPartToSearch(tx: Pick<typeof db, '$executeRaw'>, jobId: string, partId: string, lines: Prisma.Sql): Promise<void> {
  if (dbKind === 'postgresql') return
  await tx.$executeRaw`INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" FROM "ResultRow"
    WHERE "batchId" = ${jobId} AND "jobPartId" = ${partId} AND "line" IN (${lines})`
}

/** Makes a job's rows for input lines `from`..`to` searchable (rows with no part: lines cancelled before their split). */
export async function addJobLinesToSearch(tx: Pick<typeof db, '$executeRaw'>, jobId: string, from: number, to: number): Promise<void> {
  if (dbKind === 'postgresql') return
  await tx.$executeRaw`INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" FROM "ResultRow" WHERE "batchId" = ${jobId} AND "jobPartId" IS NULL AND "line" BETWEEN ${from} AND ${to}`
}

/** Rows of ResultRow: by id, or a job part's rows in its job. */
type Rows = { ids: number[] } | { jobId: string; partId: string }

// SQLite only (PostgreSQL needs no search step): json_each takes any number of ids as one parameter.
const rowsWhere = (rows: Rows) =>
  'ids' in rows
    ? Prisma.sql`"id" IN (SELECT "value" FROM json_each(${JSON.stringify(rows.ids)}))`
    : Prisma.sql`"batchId" = ${rows.jobId} AND "jobPartId" = ${rows.partId}`

/**
 * Runs `update`, which rewrites `rows` (already searchable), so that search sees their new text, and answers how many
 * rows it changed: on SQLite the rows leave the FTS5 table with their old text and come back with the new, in one
 * transaction.
 */
export async function updateSearchable(rows: Rows, update: Prisma.PrismaPromise<number>): Promise<number> {
  if (dbKind === 'postgresql') return update
  const [, updated] = await db.$transaction([
    db.$executeRaw`INSERT INTO "ResultText"("ResultText", rowid, "prompt", "response") SELECT 'delete', "id", "prompt", "response" FROM "ResultRow" WHERE ${rowsWhere(rows)}`,
    update,
    db.$executeRaw`INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" FROM "ResultRow" WHERE ${rowsWhere(rows)}`,
  ])
  return updated
}
