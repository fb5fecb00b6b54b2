import 'server-only'
import type { DatabaseKind } from '@/lib/config/env'
import { env } from '@/lib/server/env'
import type { Prisma as SqlitePrisma, PrismaClient } from './generated/client'
import type { Prisma as PostgresPrisma } from './generated-postgresql/client'
import { createPostgresClient } from './postgresql'
import { createSqliteClient } from './sqlite'

export type { Prisma } from './generated/client'

/** Which database DATABASE_URL chose: a file: URL (or none) is SQLite, a postgresql:// URL PostgreSQL. */
export const dbKind: DatabaseKind = env.databaseKind

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
function createClient(): PrismaClient {
  if (dbKind === 'sqlite') return createSqliteClient(env.databaseUrl)
  const sameModels: SameModels = true
  return sameModels && (createPostgresClient(env.databaseUrl) as unknown as PrismaClient)
}

// One client per process: Next's dev server re-evaluates modules on every edit.
const globalForDb = globalThis as unknown as { batchboardDb?: PrismaClient }
export const db = globalForDb.batchboardDb ?? createClient()
if (process.env.NODE_ENV !== 'production') globalForDb.batchboardDb = db
