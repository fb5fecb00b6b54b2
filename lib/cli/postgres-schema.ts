import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from './run'

// Prisma 6.19 takes one datasource provider per schema file, so PostgreSQL gets a schema of its own. It is made from
// prisma/schema.prisma, never edited by hand, so the two data models cannot drift (tests/unit/postgres-schema.test.ts).

export const sqliteSchemaPath = path.join(projectRoot, 'prisma', 'schema.prisma')
export const postgresSchemaPath = path.join(projectRoot, 'prisma', 'postgresql', 'schema.prisma')
export const sqliteMigrationsPath = path.join(projectRoot, 'prisma', 'migrations')
export const postgresMigrationsPath = path.join(projectRoot, 'prisma', 'postgresql', 'migrations')

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:schema\`: edit that file, then run the command.
// The PostgreSQL twin of the SQLite schema (docs/decisions/044-two-schemas-kept-in-step.md).
`

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`prisma/schema.prisma no longer matches ${pattern}; update lib/cli/postgres-schema.ts`)
  return text.replace(pattern, replacement)
}

/** The PostgreSQL schema for a SQLite schema's text: same models, another provider, its own generated client. */
export function toPostgresSchema(sqliteSchema: string): string {
  let schema = replaceOnce(sqliteSchema, /output(\s*)= "\.\.\/lib\/server\/db\/generated"/, 'output$1= "../../lib/server/db/generated-postgresql"')
  schema = replaceOnce(schema, /provider = "sqlite"/, 'provider = "postgresql"')
  schema = replaceOnce(schema, /url(\s*)= "file:[^"]*"/, 'url$1= "postgresql://localhost:5432/batchboard"')
  return HEADER + schema
}

/** Migration folder names (timestamp_name) of one provider, in order. */
export function migrationNames(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(postgresSchemaPath, toPostgresSchema(readFileSync(sqliteSchemaPath, 'utf8')))
  console.log(`Wrote ${path.relative(projectRoot, postgresSchemaPath)}`)
}
