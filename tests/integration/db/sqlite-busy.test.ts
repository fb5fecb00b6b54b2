import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { db, dbKind } from '@/lib/server/db'
import { env } from '@/lib/server/env'

// Another connection (an engine thread, a worker process) holding SQLite's write lock must not stop this thread: a
// write waits for the lock with timers between tries (lib/server/db/sqlite.ts). Each test releases the lock from a
// timer on this thread, which can only fire while the event loop turns: with a wait inside SQLite's busy handler, the
// thread stood still until the busy timeout and the write failed.

const file = (id: string) => ({ id, filename: `${id}.jsonl`, purpose: 'batch', bytes: 10n, storagePath: `files/${id}` })

let other: Database.Database | null = null
afterEach(() => {
  if (other?.inTransaction) other.prepare('ROLLBACK').run()
  other?.close()
  other = null
})

/** Takes the write lock on a second connection; the returned promise resolves once a timer has committed it. */
function holdWriteLock(ms = 300): Promise<void> {
  const connection = new Database(env.databasePath!, { fileMustExist: true })
  other = connection
  connection.prepare('BEGIN IMMEDIATE').run()
  return new Promise((resolve) =>
    setTimeout(() => {
      connection.prepare('COMMIT').run()
      resolve()
    }, ms),
  )
}

describe.skipIf(dbKind !== 'sqlite')('SQLite writes while another connection holds the write lock', () => {
  it('a single write waits with the event loop free, then succeeds after the other commits', async () => {
    const released = holdWriteLock()
    let written = false
    const write = db.file.create({ data: file('file_busy_single') }).then((row) => {
      written = true
      return row
    })
    await released
    expect(written).toBe(false)
    expect((await write).id).toBe('file_busy_single')
    expect(await db.file.count({ where: { id: 'file_busy_single' } })).toBe(1)
  })

  it('transactions wait for the lock in turn, with the event loop free and past Prisma’s default 2 s maxWait, and each commits', async () => {
    const released = holdWriteLock(2_500)
    let committed = 0
    const transactions = ['file_busy_tx_a', 'file_busy_tx_b'].map((id) =>
      db
        .$transaction(async (tx) => {
          await tx.file.create({ data: file(id) })
          return tx.file.count({ where: { id: { startsWith: 'file_busy_tx_' } } })
        })
        .then((count) => {
          committed++
          return count
        }),
    )
    const batched = db.$transaction([db.file.create({ data: file('file_busy_tx_c') }), db.file.count({ where: { id: 'file_busy_tx_c' } })])
    await released
    expect(committed).toBe(0)
    // One after the other on the one connection: the second sees the first's row.
    expect(await Promise.all(transactions)).toEqual([1, 2])
    expect((await batched)[1]).toBe(1)
  })
})
