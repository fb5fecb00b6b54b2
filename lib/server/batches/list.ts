import 'server-only'
import { parseBatchStatus, STATUS_LABELS } from '@/lib/batch'
import type { BatchFacets, FacetCount } from '@/lib/types'
import type { BatchFacetsQuery, BatchListQuery, BatchSort } from '@/lib/validations/batches'
import { db } from '@/lib/server/db'
import { inSubquery, likeIgnoringCase, metadataValueLike, timestampText } from '@/lib/server/db/dialect'
import { Prisma } from '@/lib/server/db/generated/client'
import { AppError } from '@/lib/server/http/errors'

// The page of ids is chosen in SQL (filters, search, keyset), then hydrated with Prisma: Prisma cannot search JSON
// values on SQLite, and a row-value keyset comparison is what lets the database walk an index instead of sorting.
// The SQL is the same on SQLite and PostgreSQL but for the spellings in lib/server/db/dialect.ts.

/** Columns each sort walks, all in the same direction; `id` breaks ties so the order is total. */
const SORT_COLUMNS: Record<BatchSort, readonly string[]> = {
  created: ['createdAt', 'id'],
  status: ['status', 'createdAt', 'id'],
  requests: ['requestCountTotal', 'createdAt', 'id'],
}

type CursorValue = string | number
type KeyRow = { id: string; createdAt: string; status: string; requestCountTotal: number | bigint }

const badCursor = () => new AppError(400, 'invalid_request', "The 'cursor' does not belong to this list. Reload the list and try again.", { param: 'cursor' })

function encodeCursor(sort: BatchSort, row: KeyRow): string {
  const values = SORT_COLUMNS[sort].map((column) =>
    column === 'requestCountTotal' ? Number(row.requestCountTotal) : row[column as 'id' | 'createdAt' | 'status'],
  )
  return Buffer.from(JSON.stringify([sort, ...values])).toString('base64url')
}

function decodeCursor(sort: BatchSort, cursor: string): CursorValue[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badCursor()
  }
  const columns = SORT_COLUMNS[sort]
  if (!Array.isArray(parsed) || parsed[0] !== sort || parsed.length !== columns.length + 1) throw badCursor()
  const values = parsed.slice(1) as unknown[]
  if (!values.every((value, index) => (columns[index] === 'requestCountTotal' ? Number.isInteger(value) : typeof value === 'string'))) throw badCursor()
  return values as CursorValue[]
}

/** `%` and `_` typed by the user are literal characters, not wildcards. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)

function filterConditions(query: BatchFacetsQuery): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = []
  if (query.status && query.status.length > 0) conditions.push(Prisma.sql`b."status" IN (${Prisma.join(query.status)})`)
  if (query.connectionId) conditions.push(Prisma.sql`b."connectionId" = ${query.connectionId}`)
  if (query.endpoint) conditions.push(Prisma.sql`b."endpoint" = ${query.endpoint}`)
  if (query.model) conditions.push(Prisma.sql`b."model" = ${query.model}`)
  if (query.jobs) conditions.push(query.jobs === 'only' ? Prisma.sql`b."jobId" IS NOT NULL` : Prisma.sql`b."jobId" IS NULL`)
  if (query.q) {
    const prefix = `${likeEscape(query.q)}%`
    const contains = `%${likeEscape(query.q)}%`
    const like = likeIgnoringCase
    // The batches whose id or remote id starts with the text, or whose description, metadata values (not keys: a key
    // name would match every batch that has it) or input file name contain it, found first and on their own: on
    // PostgreSQL each part is served by an index (docs/decisions/060-batch-search-on-postgresql.md).
    const files = Prisma.sql`SELECT f."id" FROM "File" AS f WHERE f."filename" ${like} ${contains} ESCAPE '\\'`
    const matches = Prisma.sql`SELECT s."id" FROM "Batch" AS s WHERE s."id" ${like} ${prefix} ESCAPE '\\' OR s."remoteId" ${like} ${prefix} ESCAPE '\\'
        OR s."description" ${like} ${contains} ESCAPE '\\' OR ${metadataValueLike(Prisma.sql`s."metadata"`, contains)}
      UNION ALL SELECT s."id" FROM "Batch" AS s WHERE ${inSubquery(Prisma.sql`s."inputFileId"`, files)}`
    conditions.push(inSubquery(Prisma.sql`b."id"`, matches))
  }
  return conditions
}

const whereClause = (conditions: Prisma.Sql[]) => (conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`)

/** One page of batch ids in list order, and whether more follow. Exported for the bench's query-plan checks. */
export function pageQuery(query: BatchListQuery): Prisma.Sql {
  const columns = SORT_COLUMNS[query.sort]
  const conditions = filterConditions(query)
  if (query.cursor) {
    const values = decodeCursor(query.sort, query.cursor)
    const tuple = Prisma.raw(columns.map((column) => `b."${column}"`).join(', '))
    conditions.push(Prisma.sql`(${tuple}) ${Prisma.raw(query.order === 'asc' ? '>' : '<')} (${Prisma.join(values)})`)
  }
  const orderBy = Prisma.raw(columns.map((column) => `b."${column}" ${query.order === 'asc' ? 'ASC' : 'DESC'}`).join(', '))
  return Prisma.sql`SELECT b."id", ${timestampText(Prisma.sql`b."createdAt"`)} AS "createdAt", b."status", b."requestCountTotal"
    FROM "Batch" AS b ${whereClause(conditions)} ORDER BY ${orderBy} LIMIT ${query.limit + 1}`
}

export async function listBatchPage(query: BatchListQuery): Promise<{ ids: string[]; nextCursor: string | null; total: number | null }> {
  const [keys, total] = await Promise.all([
    db.$queryRaw<KeyRow[]>(pageQuery(query)),
    // Counted on the first page only; the list keeps the first page's total while it loads more.
    query.cursor
      ? Promise.resolve(null)
      : db
          .$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS "n" FROM "Batch" AS b ${whereClause(filterConditions(query))}`)
          .then((rows) => Number(rows[0]?.n ?? 0)),
  ])
  const page = keys.slice(0, query.limit)
  const last = page.at(-1)
  return { ids: page.map((row) => row.id), nextCursor: keys.length > query.limit && last ? encodeCursor(query.sort, last) : null, total }
}

const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || a.label.localeCompare(b.label)

type FacetColumn = 'status' | 'connectionId' | 'endpoint' | 'model'

/** Batches per value of one column, under every filter except the one on that column itself. */
async function countBy(column: FacetColumn, query: BatchFacetsQuery, without: Partial<BatchFacetsQuery>): Promise<Map<string, number>> {
  const conditions = filterConditions({ ...query, ...without })
  if (column === 'model') conditions.push(Prisma.sql`b."model" IS NOT NULL`)
  const rows = await db.$queryRaw<{ value: string; n: number | bigint }[]>(
    Prisma.sql`SELECT b.${Prisma.raw(`"${column}"`)} AS "value", COUNT(*) AS "n" FROM "Batch" AS b ${whereClause(conditions)} GROUP BY 1`,
  )
  return new Map(rows.map((row) => [row.value, Number(row.n)]))
}

/** A chosen value stays in its menu at 0 when the other filters leave none of it, so the menu can still show it. */
function withChosen(counts: Map<string, number>, chosen: readonly string[]): Map<string, number> {
  for (const value of chosen) if (!counts.has(value)) counts.set(value, 0)
  return counts
}

/**
 * The filter menus' choices: every status, connection, endpoint and model with how many batches each would list.
 * Each menu's counts follow the other filters and the search (faceted search), not its own choice, so picking a
 * connection shows which statuses and models that connection has.
 */
export async function listBatchFacets(query: BatchFacetsQuery = {}): Promise<BatchFacets> {
  const [statuses, connections, endpoints, models, names] = await Promise.all([
    countBy('status', query, { status: undefined }),
    countBy('connectionId', query, { connectionId: undefined }),
    countBy('endpoint', query, { endpoint: undefined }),
    countBy('model', query, { model: undefined }),
    db.connection.findMany({ select: { id: true, name: true } }),
  ])
  const nameOf = new Map(names.map((connection) => [connection.id, connection.name]))
  const facets = (counts: Map<string, number>, label: (value: string) => string) =>
    [...counts].map(([value, count]) => ({ value, label: label(value), count })).sort(byCount)
  const chosen = (value: string | undefined) => (value === undefined ? [] : [value])
  return {
    statuses: [...withChosen(statuses, query.status ?? [])]
      .map(([value, count]) => {
        const status = parseBatchStatus(value)
        return { value: status, label: STATUS_LABELS[status], count }
      })
      .sort(byCount),
    connections: facets(withChosen(connections, chosen(query.connectionId)), (value) => nameOf.get(value) ?? value),
    endpoints: facets(withChosen(endpoints, chosen(query.endpoint)), (value) => value),
    models: facets(withChosen(models, chosen(query.model)), (value) => value),
  }
}
