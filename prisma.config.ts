import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { defineConfig } from 'prisma/config'
import { databaseUrlFromEnv, isPostgresUrl } from './lib/config/env'
import { createMigrationAdapter } from './lib/config/postgres-adapter'

const url = databaseUrlFromEnv(process.env)
// A postgresql:// DATABASE_URL migrates PostgreSQL with its own schema and migrations (prisma/postgresql); anything
// else is the SQLite file. `prisma generate --schema prisma/postgresql/schema.prisma` makes the second client.
const postgres = isPostgresUrl(url)

// engine "js" + the driver adapter is what lets Prisma 6.19 migrate offline (no engine download).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: postgres ? 'prisma/postgresql/schema.prisma' : 'prisma/schema.prisma',
  migrations: { path: postgres ? 'prisma/postgresql/migrations' : 'prisma/migrations' },
  async adapter() {
    return postgres ? createMigrationAdapter(url) : new PrismaBetterSQLite3({ url })
  },
})
