import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { db, postgresPool } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { queryRows } from '@/lib/server/db/prepared'
import { waitFor } from '@/tests/support/engine'
import { testDatabaseKind } from '@/tests/support/test-database'

// A PostgreSQL restart or failover ends every connection. Each pooled client then emits 'error', whether it waits in
// the pool or is lent to a transaction (the results index holds one for a whole build), and an 'error' event with no
// listener would end the server or worker. This test ends the connections itself and expects the process to go on.

/** Ends one backend from a connection of its own, as an administrator or a restart would. */
async function terminate(pid: number) {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid])
  } finally {
    await admin.end()
  }
}

const backendPid = async (client: pg.PoolClient) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid

describe.skipIf(testDatabaseKind() !== 'postgresql')('a PostgreSQL connection that is ended', () => {
  it('costs the pool that client, not the process, whether it was idle or lent out', { timeout: 60_000 }, async () => {
    const pool = postgresPool!
    const lent = await pool.connect()
    const idle = await pool.connect()
    const [lentPid, idlePid] = [await backendPid(lent), await backendPid(idle)]
    idle.release()

    await terminate(lentPid)
    await terminate(idlePid)
    // The client lent out learns of it when its socket closes; its 'error' event is what used to end the process.
    await waitFor(
      () =>
        lent.query('SELECT 1').then(
          () => 'open',
          () => 'ended',
        ),
      (state) => state === 'ended',
      20_000,
      50,
    )
    lent.release(true)

    expect(await queryRows<{ one: number }>(Prisma.sql`SELECT 1::int AS one`)).toEqual([{ one: 1 }])
    expect(await db.batch.count()).toBeGreaterThanOrEqual(0)
  })
})
