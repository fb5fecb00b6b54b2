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

/**
 * Runs `update`, which rewrites the rows `ids` (already searchable), so that search sees their new text: on SQLite they
 * leave the FTS5 table with their old text and come back with the new, in one transaction.
 */
export async function updateSearchable(ids: number[], update: Prisma.PrismaPromise<number>): Promise<void> {
  if (dbKind === 'postgresql') return void (await update)
  const list = JSON.stringify(ids)
  await db.$transaction([
    db.$executeRaw`INSERT INTO "ResultText"("ResultText", rowid, "prompt", "response") SELECT 'delete', "id", "prompt", "response" FROM "ResultRow" WHERE "id" IN (SELECT "value" FROM json_each(${list}))`,
    update,
    db.$executeRaw`INSERT INTO "ResultText"(rowid, "prompt", "response") SELECT "id", "prompt", "response" FROM "ResultRow" WHERE "id" IN (SELECT "value" FROM json_each(${list}))`,
  ])
}
