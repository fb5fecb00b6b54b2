import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '@/lib/server/actions'
import { db } from '@/lib/server/db'
import { AppError } from '@/lib/server/http/errors'

// A real action through the shared wrapper: parse → authorise → service → result.
const renameConnection = defineAction(z.object({ id: z.string().min(1), name: z.string().trim().min(1).max(100) }), async ({ id, name }) => {
  const existing = await db.connection.findUnique({ where: { id } })
  if (!existing) throw new AppError(404, 'not_found', `No connection with id '${id}'.`, { param: 'id' })
  return db.connection.update({ where: { id }, data: { name }, select: { id: true, name: true } })
})

describe('defineAction', () => {
  it('runs the service with parsed input', async () => {
    expect(await renameConnection({ id: 'builtin', name: '  Local engine ' })).toEqual({ ok: true, data: { id: 'builtin', name: 'Local engine' } })
  })

  it('returns a 4xx-style error naming the bad field, and writes nothing', async () => {
    const before = await db.connection.findUniqueOrThrow({ where: { id: 'builtin' } })
    const result = await renameConnection({ id: 'builtin', name: '' })
    expect(result).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining("'name'"), param: 'name' } })
    expect(await db.connection.findUniqueOrThrow({ where: { id: 'builtin' } })).toEqual(before)
  })

  it('passes service errors through in the one error shape', async () => {
    expect(await renameConnection({ id: 'nope', name: 'x' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: "No connection with id 'nope'.", param: 'id' },
    })
  })

  it('hides unexpected failures behind a generic message', async () => {
    const crash = defineAction(z.object({}), async () => {
      throw new Error('SQLITE_CORRUPT at /secret/path')
    })
    const original = console.error
    console.error = () => {}
    try {
      const result = await crash({})
      expect(result).toMatchObject({ ok: false, error: { code: 'internal_error' } })
      expect(JSON.stringify(result)).not.toContain('/secret/path')
    } finally {
      console.error = original
    }
  })
})
