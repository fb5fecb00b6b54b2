import { describe, expect, it } from 'vitest'
import { saveBuiltinLimits } from '@/lib/actions/connections'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { getConnection, listConnections } from '@/lib/server/connections'
import { db } from '@/lib/server/db'

const builtin = async () => (await listConnections()).find((connection) => connection.id === BUILTIN_CONNECTION_ID)

describe('the built-in engine’s limits', () => {
  it('are saved from the dashboard and split its jobs’ parts', async () => {
    const result = await saveBuiltinLimits({ maxRequestsPerBatch: 1_000, maxBytesPerBatch: 5 * 1024 * 1024, enqueuedTokenLimits: { 'llama3*': 250_000 } })
    expect(result).toMatchObject({ ok: true, data: { id: BUILTIN_CONNECTION_ID, maxRequestsPerBatch: 1_000, enqueuedTokenLimits: { 'llama3*': 250_000 } } })
    expect((await getConnection(BUILTIN_CONNECTION_ID)).limits).toEqual({ maxRequests: 1_000, maxBytes: 5 * 1024 * 1024 })
  })

  it('keep what is omitted, and go back to the defaults on null', async () => {
    await saveBuiltinLimits({ maxRequestsPerBatch: 2_000 })
    expect(await builtin()).toMatchObject({ maxRequestsPerBatch: 2_000, maxBytesPerBatch: 5 * 1024 * 1024, enqueuedTokenLimits: { 'llama3*': 250_000 } })
    await saveBuiltinLimits({ maxRequestsPerBatch: null, maxBytesPerBatch: null, enqueuedTokenLimits: null })
    expect(await builtin()).toMatchObject({ maxRequestsPerBatch: null, maxBytesPerBatch: null, enqueuedTokenLimits: null })
    expect((await getConnection(BUILTIN_CONNECTION_ID)).limits).toEqual({ maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 })
  })

  it('refuses a bad limit, naming it, and writes nothing', async () => {
    const before = await db.connection.findUniqueOrThrow({ where: { id: BUILTIN_CONNECTION_ID } })
    const result = await saveBuiltinLimits({ maxRequestsPerBatch: 0, enqueuedTokenLimits: { 'gpt-4o': Number.NaN } })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', param: expect.stringMatching(/^(maxRequestsPerBatch|enqueuedTokenLimits)/) } })
    expect(await db.connection.findUniqueOrThrow({ where: { id: BUILTIN_CONNECTION_ID } })).toEqual(before)
  })

  it('change nothing else on its row', async () => {
    const before = await db.connection.findUniqueOrThrow({ where: { id: BUILTIN_CONNECTION_ID } })
    await saveBuiltinLimits({ maxRequestsPerBatch: 10 })
    const after = await db.connection.findUniqueOrThrow({ where: { id: BUILTIN_CONNECTION_ID } })
    expect({ ...after, maxRequestsPerBatch: null, updatedAt: null }).toEqual({ ...before, maxRequestsPerBatch: null, updatedAt: null })
  })
})
