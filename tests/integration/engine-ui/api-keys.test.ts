import { describe, expect, it } from 'vitest'
import { GET as getApiKeys } from '@/app/api/api-keys/route'
import { createApiKey, revokeApiKey } from '@/lib/actions/api-keys'
import { verifyApiKey } from '@/lib/server/api-keys'
import type { ApiKeyList } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

describe('API keys from Settings', () => {
  it('are shown once, listed by prefix only, and stop working when revoked', async () => {
    const created = await createApiKey({ name: '  nightly script ' })
    if (!created.ok) expect.fail(created.error.message)
    const { key, ...summary } = created.data
    expect(key).toMatch(/^bb-/)
    expect(summary).toMatchObject({ name: 'nightly script', prefix: key.slice(0, 7), lastUsedAt: null, revokedAt: null })
    expect(await verifyApiKey(key)).toBe(true)

    const listed = await callRoute(getApiKeys, '/api/api-keys')
    expect(listed.status).toBe(200)
    const body = listed.body as ApiKeyList
    expect(body.envKeySet).toBe(false)
    expect(body.keys).toEqual([expect.objectContaining({ id: summary.id, name: 'nightly script', lastUsedAt: expect.any(String) })])
    expect(JSON.stringify(listed.body)).not.toContain(key)

    const revoked = await revokeApiKey({ id: summary.id })
    expect(revoked).toEqual({ ok: true, data: expect.objectContaining({ id: summary.id, revokedAt: expect.any(String) }) })
    expect(JSON.stringify(revoked)).not.toContain(key)
    expect(await verifyApiKey(key)).toBe(false)
  })

  it('need a name', async () => {
    expect(await createApiKey({ name: '   ' })).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining('give the key a name'), param: 'name' },
    })
  })
})
