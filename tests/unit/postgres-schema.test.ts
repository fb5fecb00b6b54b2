import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { migrationNames, postgresMigrationsPath, postgresSchemaPath, sqliteMigrationsPath, sqliteSchemaPath, toPostgresSchema } from '@/lib/cli/postgres-schema'

// The two databases' data models must not drift (docs/decisions/044-two-schemas-kept-in-step.md). The schema
// applied by the PostgreSQL migrations is compared with this schema in tests/integration/db/postgres-drift.test.ts.

const BASELINE = /^(\d{14})_postgresql_baseline$/

describe('the PostgreSQL schema', () => {
  it('is generated from prisma/schema.prisma (run `npm run db:schema` after changing it)', () => {
    expect(readFileSync(postgresSchemaPath, 'utf8')).toBe(toPostgresSchema(readFileSync(sqliteSchemaPath, 'utf8')))
  })

  it('differs from the SQLite schema only in its datasource and its client', () => {
    const postgres = toPostgresSchema('output     = "../lib/server/db/generated"\nprovider = "sqlite"\nurl      = "file:./data/batchboard.db"\nmodel A {}\n')
    expect(postgres).toContain('output     = "../../lib/server/db/generated-postgresql"')
    expect(postgres).toContain('provider = "postgresql"')
    expect(postgres).toContain('model A {}')
    expect(() => toPostgresSchema('provider = "sqlite"')).toThrow(/update lib\/cli\/postgres-schema.ts/)
  })

  it('has a migration for every SQLite migration after its baseline, under the same name', () => {
    const sqlite = migrationNames(sqliteMigrationsPath)
    const [baseline, ...postgres] = migrationNames(postgresMigrationsPath)
    const covered = baseline?.match(BASELINE)?.[1]
    expect(covered, 'the first PostgreSQL migration is the baseline').toBeDefined()
    // The baseline stands for every SQLite migration up to its timestamp; each later one needs a PostgreSQL twin.
    expect(postgres).toEqual(sqlite.filter((name) => name.slice(0, 14) > covered!))
    expect(sqlite.some((name) => name.startsWith(covered!))).toBe(true)
  })
})
