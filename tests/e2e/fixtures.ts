import path from 'node:path'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { test as base, expect } from '@playwright/test'
import { PrismaClient } from '@/lib/server/db/generated/client'
import { e2eDataDir } from '@/playwright.config'

type Fixtures = {
  /** The e2e server's database, for seeding. Everything a test creates in it is removed afterwards. */
  db: PrismaClient
}

export const test = base.extend<Fixtures>({
  db: async ({ baseURL: _ }, provide) => {
    const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${path.join(e2eDataDir, 'batchboard.db')}` }) })
    const started = new Date()
    await provide(db)
    // A job's parts are batches like any other (deleted below); the job itself is a row of its own.
    await db.job.deleteMany({ where: { createdAt: { gte: started } } })
    await db.batch.deleteMany({ where: { recordedAt: { gte: started } } })
    await db.file.deleteMany({ where: { createdAt: { gte: started } } })
    await db.$disconnect()
  },
})

export { expect }
