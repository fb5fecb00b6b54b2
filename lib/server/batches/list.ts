import 'server-only'
import { parseBatchStatus, STATUS_LABELS } from '@/lib/batch'
import type { BatchFacets, FacetCount } from '@/lib/types'
import type { BatchFacetsQuery, BatchListQuery, BatchSort } from '@/lib/validations/batches'
import { db } from '@/lib/server/db'
import { inSubquery, likeIgnoringCase, metadataValueLike, timestampText } from '@/lib/server/db/dialect'
import { queryRows } from '@/lib/server/db/prepared'
import { Prisma } from '@/lib/server/db/generated/client'
import { AppError } from '@/lib/server/http/errors'

// The page of ids is chosen in SQL (filters, search, keyset), then hydrated (rows.ts): Prisma cannot search JSON
// values on SQLite, and a row-value keyset comparison is what lets the database walk an index instead of sorting.
// The list is polled by every open list tab, so its queries run as prepared statements (lib/server/db/prepared.ts).
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

/** The search's parts: a test of one batch row's own columns, and the input files whose name matches. */
function searchParts(q: string, alias: string): { ownColumns: Prisma.Sql; files: Prisma.Sql } {
  const prefix = `${likeEscape(q)}%`
  const contains = `%${likeEscape(q)}%`
  const like = likeIgnoringCase
  const column = (name: string) => Prisma.raw(`${alias}."${name}"`)
  return {
    // Metadata values only, not keys: a key name would match every batch that has it.
    ownColumns: Prisma.sql`(${column('id')} ${like} ${prefix} ESCAPE '\\' OR ${column('remoteId')} ${like} ${prefix} ESCAPE '\\'
      OR ${column('description')} ${like} ${contains} ESCAPE '\\' OR ${metadataValueLike(column('metadata'), contains)})`,
    files: Prisma.sql`SELECT f."id" FROM "File" AS f WHERE f."filename" ${like} ${contains} ESCAPE '\\'`,
  }
}

function filterConditions(query: BatchFacetsQuery): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = []
  if (query.status && query.status.length > 0) conditions.push(Prisma.sql`b."status" IN (${Prisma.join(query.status)})`)
  if (query.connectionId) conditions.push(Prisma.sql`b."connectionId" = ${query.connectionId}`)
  if (query.endpoint) conditions.push(Prisma.sql`b."endpoint" = ${query.endpoint}`)
  if (query.model) conditions.push(Prisma.sql`b."model" = ${query.model}`)
  if (query.jobs) conditions.push(query.jobs === 'only' ? Prisma.sql`b."jobId" IS NOT NULL` : Prisma.sql`b."jobId" IS NULL`)
  if (query.q) {
    // The batches whose id or remote id starts with the text, or whose description, metadata values or input file
    // name contain it, found first and on their own: on PostgreSQL each part is served by an index, so this costs
    // what the matches do, never a read of every batch (docs/decisions/060-batch-search-on-postgresql.md).
    const { ownColumns, files } = searchParts(query.q, 's')
    const matches = Prisma.sql`SELECT s."id" FROM "Batch" AS s WHERE ${ownColumns}
      UNION ALL SELECT s."id" FROM "Batch" AS s WHERE ${inSubquery(Prisma.sql`s."inputFileId"`, files)}`
    conditions.push(inSubquery(Prisma.sql`b."id"`, matches))
  }
  return conditions
}

const whereClause = (conditions: Prisma.Sql[]) => (conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`)

const orderByOf = (query: BatchListQuery) =>
  Prisma.raw(SORT_COLUMNS[query.sort].map((column) => `b."${column}" ${query.order === 'asc' ? 'ASC' : 'DESC'}`).join(', '))

/** The list's conditions, and the keyset condition of the cursor (the batches after it in list order). */
function pageConditions(query: BatchListQuery): Prisma.Sql[] {
  const conditions = filterConditions(query)
  if (query.cursor) {
    const values = decodeCursor(query.sort, query.cursor)
    const tuple = Prisma.raw(SORT_COLUMNS[query.sort].map((column) => `b."${column}"`).join(', '))
    conditions.push(Prisma.sql`(${tuple}) ${Prisma.raw(query.order === 'asc' ? '>' : '<')} (${Prisma.join(values)})`)
  }
  return conditions
}

const PAGE_COLUMNS = Prisma.sql`b."id", ${timestampText(Prisma.sql`b."createdAt"`)} AS "createdAt", b."status", b."requestCountTotal"`

/** One page of batch ids in list order, and whether more follow. Exported for the bench's query-plan checks. */
export function pageQuery(query: BatchListQuery): Prisma.Sql {
  return Prisma.sql`SELECT ${PAGE_COLUMNS} FROM "Batch" AS b ${whereClause(pageConditions(query))} ORDER BY ${orderByOf(query)} LIMIT ${query.limit + 1}`
}

/** How many batches, in list order, a search tests one by one before it looks its matches up instead. */
const SEARCH_WINDOW = 1_000

/**
 * A search's page among the next SEARCH_WINDOW batches in list order, each tested in turn. When that window holds a
 * full page (limit + 1 matches), they are the page: every batch before them was tested. A search that matches many
 * batches is answered so in a few hundred rows, where finding all its matches first would read them all. Exported for
 * the bench's query-plan checks.
 */
export function windowQuery(query: BatchListQuery & { q: string }): Prisma.Sql {
  const { ownColumns, files } = searchParts(query.q, 'b')
  const window = Prisma.sql`SELECT b.* FROM "Batch" AS b ${whereClause(pageConditions({ ...query, q: undefined }))} ORDER BY ${orderByOf(query)} LIMIT ${SEARCH_WINDOW}`
  return Prisma.sql`SELECT ${PAGE_COLUMNS} FROM (${window}) AS b WHERE ${ownColumns} OR b."inputFileId" IN (${files})
    ORDER BY ${orderByOf(query)} LIMIT ${query.limit + 1}`
}

async function pageKeys(query: BatchListQuery): Promise<KeyRow[]> {
  if (query.q) {
    const windowed = await queryRows<KeyRow>(windowQuery({ ...query, q: query.q }))
    if (windowed.length > query.limit) return windowed
  }
  return queryRows<KeyRow>(pageQuery(query))
}

export async function listBatchPage(query: BatchListQuery): Promise<{ ids: string[]; nextCursor: string | null; total: number | null }> {
  const [keys, total] = await Promise.all([
    pageKeys(query),
    // Counted on the first page only; the list keeps the first page's total while it loads more.
    query.cursor
      ? Promise.resolve(null)
      : queryRows<{ n: number | bigint }>(Prisma.sql`SELECT COUNT(*) AS "n" FROM "Batch" AS b ${whereClause(filterConditions(query))}`).then((rows) =>
          Number(rows[0]?.n ?? 0),
        ),
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
  const rows = await queryRows<{ value: string; n: number | bigint }>(
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
