import 'server-only'
import { parseBatchStatus, type BatchStatus } from '@/lib/batch/status'
import type { DatabaseKind } from '@/lib/config/env'
import { env } from '@/lib/server/env'
import type { Batch, Prisma as SqlitePrisma } from './generated/client'
import type { Prisma as PostgresPrisma } from './generated-postgresql/client'
import type pg from 'pg'
import { createPostgresClient, createPostgresPool } from './postgresql'
import { createSqliteClient } from './sqlite'

export type { Prisma } from './generated/client'

/** A Batch row as the client returns it: the status column parsed (see parsedStatus). */
export type BatchRow = Omit<Batch, 'status'> & { status: BatchStatus }

/** Which database DATABASE_URL chose: a file: URL (or none) is SQLite, a postgresql:// URL PostgreSQL. */
export const dbKind: DatabaseKind = env.databaseKind

/**
 * The status column is a string (SQLite has no enums); it is parsed here, once, so every Batch row read through the
 * client carries a BatchStatus (https://www.prisma.io/docs/orm/prisma-client/client-extensions/result).
 */
const parsedStatus = {
  result: { batch: { status: { needs: { status: true }, compute: (batch: { status: string }) => parseBatchStatus(batch.status) } } },
} as const

const createSqliteDb = () => createSqliteClient(env.databaseUrl).$extends(parsedStatus)
type Db = ReturnType<typeof createSqliteDb>

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type ModelColumns<TypeMap> = { [Model in keyof TypeMap]: TypeMap[Model] extends { payload: { scalars: infer Columns } } ? Columns : never }
/** True when every model has the same columns, of the same types, in both generated clients. */
type SameModels = Equal<ModelColumns<SqlitePrisma.TypeMap['model']>, ModelColumns<PostgresPrisma.TypeMap['model']>>

/**
 * Both generated clients come from one data model (prisma/postgresql/schema.prisma is generated from
 * prisma/schema.prisma: tests/unit/postgres-schema.test.ts), so code keeps the SQLite client's types. TypeScript cannot
 * compare the two clients' generic method types across two generated modules, so it compares their models' columns
 * (`SameModels`, which fails to compile on drift); the methods are generated from those models alike. The one real
 * difference is `$transaction`'s isolation levels: SQLite has only Serializable, PostgreSQL has it and three more.
 */
function connect(): { db: Db; pool: pg.Pool | null } {
  if (dbKind === 'sqlite') return { db: createSqliteDb(), pool: null }
  const sameModels: SameModels = true
  const pool = createPostgresPool(env.databaseUrl)
  return { db: sameModels && (createPostgresClient(pool).$extends(parsedStatus) as unknown as Db), pool }
}

// One client per process: Next's dev server re-evaluates modules on every edit.
const globalForDb = globalThis as unknown as { batchboardDbConnections?: ReturnType<typeof connect> }
const connections = globalForDb.batchboardDbConnections ?? connect()
if (process.env.NODE_ENV !== 'production') globalForDb.batchboardDbConnections = connections
export const db = connections.db
/** On PostgreSQL, the pool `db` runs on, which the prepared reads share (./prepared.ts); null on SQLite. */
export const postgresPool = connections.pool
