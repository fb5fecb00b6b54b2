import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { postgresSchemaPath } from '@/lib/cli/postgres-schema'
import { bin, projectRoot } from '@/lib/cli/run'
import { testDatabaseKind } from '@/tests/support/test-database'

// The PostgreSQL migrations must build exactly the database prisma/postgresql/schema.prisma describes (itself generated
// from the SQLite schema: tests/unit/postgres-schema.test.ts). This test's database was made by the migrations; a
// second one is made from the schema alone, and their tables, columns, indexes and constraints must match. A model
// changed without a PostgreSQL migration fails here (docs/decisions/044-two-schemas-kept-in-step.md).

/** What the migrations add by hand, beyond the schema (Prisma cannot model them). */
const HAND_WRITTEN_INDEXES = [
  'Batch_search_idx',
  'File_filename_search_idx',
  'ResultRow_batchId_line_id_idx',
  'ResultRow_batchId_status_line_id_idx',
  'ResultRow_batchId_totalTokens_line_id_idx',
  'ResultRow_search_idx',
]

type Catalog = { columns: string[]; indexes: string[]; constraints: string[] }

async function readCatalog(url: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const rows = async (sql: string) => (await client.query<{ line: string }>(sql)).rows.map((row) => row.line)
    return {
      columns: await rows(`SELECT concat_ws(' ', table_name, column_name, data_type, is_nullable, column_default) AS line FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`),
      indexes: await rows(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
        AND indexname <> ALL ('{${HAND_WRITTEN_INDEXES.join(',')}}') ORDER BY indexname`),
      constraints: await rows(`SELECT concat_ws(' ', conrelid::regclass::text, conname, pg_get_constraintdef(oid)) AS line FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1`),
    }
  } finally {
    await client.end()
  }
}

async function execute(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

describe.skipIf(testDatabaseKind() !== 'postgresql')('the PostgreSQL migrations', () => {
  it('build the database the PostgreSQL schema describes, plus the search and sort indexes', async () => {
    const migrated = process.env.DATABASE_URL!
    const fromSchema = new URL(`/drift_${randomBytes(6).toString('hex')}`, migrated).href
    await execute(new URL('/postgres', migrated).href, `CREATE DATABASE "${new URL(fromSchema).pathname.slice(1)}"`)
    // prisma.config.ts connects the adapter to DATABASE_URL even for a diff from nothing.
    const diff = spawnSync(bin('prisma'), ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', postgresSchemaPath, '--script'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: fromSchema },
    })
    expect(diff.status, diff.stderr).toBe(0)
    await execute(fromSchema, diff.stdout)

    const [byMigrations, bySchema] = await Promise.all([readCatalog(migrated), readCatalog(fromSchema)])
    expect(byMigrations.columns).toEqual(bySchema.columns)
    expect(byMigrations.indexes).toEqual(bySchema.indexes)
    expect(byMigrations.constraints).toEqual(bySchema.constraints)
    expect(bySchema.columns.length).toBeGreaterThan(100)

    const client = new pg.Client({ connectionString: migrated })
    await client.connect()
    try {
      const { rows } = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE indexname = ANY($1)`, [HAND_WRITTEN_INDEXES])
      expect(rows.map((row) => row.indexname).sort()).toEqual([...HAND_WRITTEN_INDEXES].sort())
    } finally {
      await client.end()
    }
  })
})
