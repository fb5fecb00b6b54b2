import { expect, it, vi } from 'vitest'
import { routePattern } from '@/lib/server/http/observe'
import { logger, maskCredentials } from '@/lib/server/log'

it('cuts bearer tokens and key-shaped words out of log text', () => {
  const key = 'sk-proj-abcdefghijklmnop1234'
  const text = `401: Incorrect API key provided: ${key} (you sent Bearer bb-QWERTYuiop_asdfgh-1234)`
  const masked = maskCredentials(text)
  expect(masked).not.toContain('abcdefghijklmnop1234')
  expect(masked).not.toContain('QWERTYuiop')
  expect(masked).toContain('401: Incorrect API key provided')
  expect(masked).toContain('Bearer [redacted]')
})

it('names a route by its pattern, not by the ids in its URL', () => {
  expect(routePattern('/api/batches/batch_123/results', { batchId: 'batch_123' })).toBe('/api/batches/[batchId]/results')
  expect(routePattern('/v1/files/file%20x/content', { fileId: 'file x' })).toBe('/v1/files/[fileId]/content')
  expect(routePattern('/api/batches', {})).toBe('/api/batches')
})

it('writes errors with their cause, and no secret from a logged object or error message', () => {
  const lines: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk))
    return true
  })
  try {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:9')
    logger.error(
      {
        err: new Error('Upload failed for Bearer sk-secret-0123456789', { cause }),
        connection: { apiKey: 'plain-secret-value', headers: { authorization: 'x' } },
      },
      'Provider call failed.',
    )
  } finally {
    spy.mockRestore()
  }
  const [line] = lines
  const entry = JSON.parse(line ?? '{}') as { level: string; msg: string; err: { message: string; cause?: { message: string } } }
  expect(entry.level).toBe('error')
  expect(entry.msg).toBe('Provider call failed.')
  expect(entry.err.cause?.message).toBe('connect ECONNREFUSED 127.0.0.1:9')
  expect(line).not.toContain('sk-secret-0123456789')
  expect(line).not.toContain('plain-secret-value')
})
