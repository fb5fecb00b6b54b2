import 'server-only'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from './generated-postgresql/client'

export function createPostgresClient(connectionString: string) {
  // Prisma runs a batch `$transaction([...])` on a driver adapter as an interactive transaction, closed after 5 s by
  // default. Swapping in a 50,000-row results index is one such transaction, and SQLite has no such limit.
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }), transactionOptions: { maxWait: 10_000, timeout: 120_000 } })
}
