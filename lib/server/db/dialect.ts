import 'server-only'
import { Prisma } from './generated/client'
import { dbKind } from './index'

// The few SQL spellings that differ between SQLite and PostgreSQL, for the raw queries (batch list, usage, results).
// Everything else in those queries is written once, in SQL both accept.

const postgres = dbKind === 'postgresql'

/** Case-insensitive LIKE: SQLite's LIKE already ignores (ASCII) case; PostgreSQL's needs ILIKE. */
export const likeIgnoringCase = Prisma.raw(postgres ? 'ILIKE' : 'LIKE')

/** The values of a JSON object column as rows `alias."value"` (text): SQLite json_each, PostgreSQL jsonb_each_text. */
export const jsonObjectValues = (column: Prisma.Sql, alias: string) =>
  Prisma.sql`${Prisma.raw(postgres ? 'jsonb_each_text' : 'json_each')}(${column}) AS ${Prisma.raw(alias)}`

/** The elements of a JSON array given as a text parameter, as rows `alias."value"` (JSON). */
export const jsonArrayElements = (json: string, alias: string) =>
  postgres ? Prisma.sql`jsonb_array_elements(CAST(${json} AS JSONB)) AS ${Prisma.raw(alias)}("value")` : Prisma.sql`json_each(${json}) AS ${Prisma.raw(alias)}`

/**
 * A DateTime column as ISO 8601 text in UTC (2026-12-05T07:46:08.123Z), how SQLite stores it. Either database reads
 * that text back as the same instant, so it can travel in a cursor and be compared with the column.
 */
export const timestampText = (column: Prisma.Sql) =>
  postgres ? Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : Prisma.sql`CAST(${column} AS TEXT)`

/** The UTC day (YYYY-MM-DD) of a DateTime expression. */
export const dayOf = (expression: Prisma.Sql) => (postgres ? Prisma.sql`to_char(${expression}, 'YYYY-MM-DD')` : Prisma.sql`substr(${expression}, 1, 10)`)

/**
 * `column IN (subquery)`, the subquery run once, first. PostgreSQL spells it `= ANY(ARRAY(subquery))`, so that the
 * matches are then looked up by an index on the column: as an `IN`, the planner may instead scan the whole table
 * to join them, or walk an ORDER BY's index testing each row, on estimates that are often far off for a search.
 */
export const inSubquery = (column: Prisma.Sql, subquery: Prisma.Sql) =>
  postgres ? Prisma.sql`${column} = ANY(ARRAY(${subquery}))` : Prisma.sql`${column} IN (${subquery})`

/**
 * Whether a value of a JSON object column is LIKE `pattern` (case ignored, `\\` escapes). PostgreSQL first tests
 * the values joined in one text (batchboard_metadata_text), which the trigram index "Batch_search_idx" answers, and
 * then each value, so a search that spans two values does not match.
 */
export const metadataValueLike = (column: Prisma.Sql, pattern: string) => {
  const values = jsonObjectValues(column, 'm')
  const anyValue = Prisma.sql`EXISTS (SELECT 1 FROM ${values} WHERE m."value" ${likeIgnoringCase} ${pattern} ESCAPE '\\')`
  return postgres
    ? Prisma.sql`(batchboard_metadata_text(${column}) ILIKE ${pattern} ESCAPE '\\' AND ${anyValue})`
    : Prisma.sql`(${column} IS NOT NULL AND ${anyValue})`
}
