import 'server-only'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import pg from 'pg'
import { env } from '@/lib/server/env'
import type { Prisma } from './generated/client'
import { dbKind, postgresPool } from './index'

// Raw reads on the hot paths (every open tab's status poll, every session check, every upload chunk) straight through
// the database driver, as prepared statements. Through the Prisma client, even a `$queryRaw` is compiled by its query
// compiler and its result re-encoded on every call; a CPU profile of 50 pollers had Prisma's compiler and client at
// over a third of the server's time, more than the queries themselves (docs/decisions/061-prepared-hot-reads.md).
// The SQL is written as for `$queryRaw` (Prisma.sql, the spellings in ./dialect.ts) and its rows come back as
// `$queryRaw` gives them: DateTime as Date, BigInt as bigint, Json parsed, Boolean as boolean.

type Row = Record<string, unknown>

/** A parameter as the driver takes it: dates as UTC ISO text, which is how SQLite stores them and PostgreSQL reads them. */
function bindable(value: unknown, sqlite: boolean): unknown {
  if (value instanceof Date) return sqlite ? value.toISOString().replace('Z', '+00:00') : value.toISOString()
  if (typeof value === 'boolean' && sqlite) return value ? 1 : 0
  return value
}

// ---- SQLite: a connection of its own (WAL: readers never wait for the writer), statements prepared once.

type Convert = ((value: unknown) => unknown) | null
type SqliteStatement = { statement: Database.Statement<unknown[], Row>; converts: [string, Convert][] | null }

/**
 * How a column declared with this type (as Prisma's migrations declare them) reads back; null: as the driver gives it.
 * The connection reads integers as bigint, as the Prisma adapter's does, so a BIGINT column or an integer expression
 * (COUNT, EXISTS) stays exact and an INTEGER column becomes a number, as `$queryRaw` returns them.
 */
function sqliteConvert(declaredType: string | null): Convert {
  switch (declaredType?.toUpperCase()) {
    case 'DATETIME':
      return (value) => (typeof value === 'string' ? new Date(value) : typeof value === 'bigint' ? new Date(Number(value)) : value)
    case 'INTEGER':
    case 'INT':
      return (value) => (typeof value === 'bigint' ? Number(value) : value)
    case 'BOOLEAN':
      return (value) => (typeof value === 'bigint' ? value !== 0n : value)
    case 'JSONB':
      return (value) => (typeof value === 'string' ? JSON.parse(value) : value)
    default:
      return null
  }
}

const STATEMENTS_MAX = 500
const globalForPrepared = globalThis as unknown as { batchboardSqliteReader?: { database: Database.Database; statements: Map<string, SqliteStatement> } }

function sqliteReader() {
  if (!globalForPrepared.batchboardSqliteReader) {
    if (!env.databasePath) throw new Error('SQLite reads need a database path')
    // The same busy timeout as the Prisma client's connection (./sqlite.ts): a checkpoint can hold readers briefly.
    const database = new Database(env.databasePath, { fileMustExist: true, timeout: 10_000 })
    database.defaultSafeIntegers(true)
    globalForPrepared.batchboardSqliteReader = { database, statements: new Map() }
  }
  return globalForPrepared.batchboardSqliteReader
}

function sqliteStatement(sql: string): SqliteStatement {
  const reader = sqliteReader()
  const cached = reader.statements.get(sql)
  if (cached) return cached
  const statement = reader.database.prepare<unknown[], Row>(sql)
  const converts = statement.columns().flatMap(({ name, type }): [string, Convert][] => {
    const convert = sqliteConvert(type)
    return convert ? [[name, convert]] : []
  })
  // Statements for `IN (…)` lists differ by the list's length; a bound keeps an odd caller from growing this forever.
  if (reader.statements.size >= STATEMENTS_MAX) reader.statements.clear()
  const prepared = { statement, converts: converts.length > 0 ? converts : null }
  reader.statements.set(sql, prepared)
  return prepared
}

function querySqlite(query: Prisma.Sql): Row[] {
  const { statement, converts } = sqliteStatement(query.sql)
  const rows = statement.all(...query.values.map((value) => bindable(value, true)))
  if (converts)
    for (const row of rows)
      for (const [name, convert] of converts) {
        const value = row[name]
        if (value !== null && value !== undefined) row[name] = convert!(value)
      }
  return rows
}

// ---- PostgreSQL: the Prisma client's pool, named prepared statements (parsed and planned once per connection).

const TIMESTAMP_OID = 1114
const TIMESTAMPTZ_OID = 1184
const INT8_OID = 20

/** Prisma stores DateTime as `timestamp(3)` in UTC; pg's own parser would read it as local time. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMP_OID) return (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
    if (oid === TIMESTAMPTZ_OID) return (text: string) => new Date(text)
    if (oid === INT8_OID) return (text: string) => BigInt(text)
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')
  }) as pg.CustomTypesConfig['getTypeParser'],
}

const statementName = (text: string) => `batchboard_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`

async function queryPostgres(query: Prisma.Sql): Promise<Row[]> {
  if (!postgresPool) throw new Error('PostgreSQL reads need the pool')
  const result = await postgresPool.query<Row>({
    name: statementName(query.text),
    text: query.text,
    values: query.values.map((value) => bindable(value, false)),
    types,
  })
  return result.rows
}

/** The rows of a read-only query; `Row` describes them as `$queryRaw<Row>` would. Never for writes: see the top. */
export async function queryRows<Result>(query: Prisma.Sql): Promise<Result[]> {
  return (dbKind === 'sqlite' ? querySqlite(query) : await queryPostgres(query)) as Result[]
}
