import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { defineConfig } from 'prisma/config'
import { databaseUrlFromEnv } from './lib/config/env'

// engine "js" + the driver adapter is what lets Prisma 6.19 migrate offline (no engine download).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaBetterSQLite3({ url: databaseUrlFromEnv(process.env) })
  },
})
