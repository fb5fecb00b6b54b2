import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mapRemoteBatch } from '@/lib/server/connections/map-batch'
import { nextSyncDelayMs, syncLookEveryMs } from '@/lib/server/connections/sync-policy'

// Batch objects as OpenAI (and LiteLLM) return them; see tests/fixtures/openai-batches and https://platform.openai.com/docs/api-reference/batch/object.
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/openai-batches', `${name}.json`), 'utf8')) as Record<string, unknown>

const at = (seconds: number) => new Date(seconds * 1000)

describe('mapRemoteBatch', () => {
  it('maps a completed batch whose lines all failed: every time, counts, usage, file ids, metadata', () => {
    expect(mapRemoteBatch(fixture('completed-all-failed'))).toEqual({
      status: 'completed',
      endpoint: '/v1/responses',
      model: 'gpt-5.4-pro-2026-03-05',
      completionWindow: '24h',
      metadata: { description: 'nightly eval', project: 'kaapi' },
      description: 'nightly eval',
      errors: null,
      remoteInputFileId: 'file-2qvouj6sKUCGTbu3odouhk',
      remoteOutputFileId: null,
      remoteErrorFileId: 'file-9ZrWq1kM4bT7yXcN2vL8pQ',
      requestCountTotal: 9,
      requestCountCompleted: 0,
      requestCountFailed: 9,
      usageInputTokens: 0n,
      usageCachedTokens: 0n,
      usageOutputTokens: 0n,
      usageReasoningTokens: 0n,
      usageTotalTokens: 0n,
      createdAt: at(1774437191),
      inProgressAt: at(1774437195),
      expiresAt: at(1774523591),
      finalizingAt: at(1774440012),
      completedAt: at(1774440020),
      failedAt: null,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
    })
  })

  it('keeps validation errors of a failed batch, with null lines and params, and no usage at all', () => {
    const mapped = mapRemoteBatch(fixture('failed-token-limit'))
    expect(mapped.status).toBe('failed')
    expect(mapped.errors).toEqual([{ code: 'token_limit_exceeded', line: null, param: null, message: expect.stringContaining('Enqueued token limit reached') }])
    expect(mapped.metadata).toBeNull()
    expect(mapped.description).toBeNull()
    // Missing usage leaves the columns alone rather than zeroing them.
    expect(mapped).not.toHaveProperty('usageTotalTokens')
    expect(mapped.failedAt).toEqual(at(1738569612))
  })

  it('leaves every column a minimal object does not carry untouched', () => {
    const mapped = mapRemoteBatch(fixture('validating-minimal'))
    expect(mapped).toEqual({
      status: 'validating',
      endpoint: '/v1/chat/completions',
      completionWindow: '24h',
      remoteInputFileId: 'file-abc123',
      createdAt: at(1711471533),
    })
  })

  it('keeps LiteLLM’s long opaque ids whole, ignores unknown fields and non-string metadata values', () => {
    const raw = fixture('litellm-in-progress')
    const mapped = mapRemoteBatch(raw)
    expect(mapped.remoteInputFileId).toBe(raw.input_file_id)
    expect((mapped.remoteInputFileId ?? '').length).toBeGreaterThan(100)
    expect(mapped).toMatchObject({
      status: 'in_progress',
      requestCountTotal: 1000,
      requestCountCompleted: 412,
      requestCountFailed: 3,
      metadata: { team: 'search' },
    })
    expect(mapped).not.toHaveProperty('usageTotalTokens')
    expect(Object.keys(mapped)).not.toContain('future_field')
  })

  it('skips malformed values instead of failing the sync', () => {
    const mapped = mapRemoteBatch({
      status: 'paused_by_provider',
      created_at: 'soon',
      request_counts: { total: -1, completed: 'x', failed: 2 },
      usage: { input_tokens: 5, output_tokens: 7 },
      completed_at: '2026-03-01T10:00:00Z',
    })
    expect(mapped).toEqual({
      requestCountFailed: 2,
      usageInputTokens: 5n,
      usageOutputTokens: 7n,
      usageCachedTokens: null,
      usageReasoningTokens: null,
      usageTotalTokens: 12n,
      completedAt: new Date('2026-03-01T10:00:00Z'),
    })
    expect(mapRemoteBatch(null)).toEqual({})
  })
})

describe('nextSyncDelayMs', () => {
  const base = { ageMs: 0, changed: false, finalizing: false, failures: 0, retryAfterMs: null }
  it('asks every 10 s at first and slows to a tenth of the age, at most 5 minutes', () => {
    expect(nextSyncDelayMs(base)).toBe(10_000)
    expect(nextSyncDelayMs({ ...base, ageMs: 20 * 60_000 })).toBe(120_000)
    expect(nextSyncDelayMs({ ...base, ageMs: 20 * 3_600_000 })).toBe(300_000)
  })
  it('comes back soon after a change or while finalizing', () => {
    expect(nextSyncDelayMs({ ...base, ageMs: 3_600_000, changed: true })).toBe(10_000)
    expect(nextSyncDelayMs({ ...base, ageMs: 3_600_000, finalizing: true })).toBe(10_000)
  })
  it('backs off on failures and always honours Retry-After, even past the cap', () => {
    expect(nextSyncDelayMs({ ...base, failures: 3 })).toBe(80_000)
    expect(nextSyncDelayMs({ ...base, failures: 10 })).toBe(300_000)
    expect(nextSyncDelayMs({ ...base, retryAfterMs: 42_000 })).toBe(42_000)
    expect(nextSyncDelayMs({ ...base, retryAfterMs: 900_000 })).toBe(900_000)
  })
})

describe('syncLookEveryMs', () => {
  it('looks once a second at the default interval, and four times over a short one, so a due batch waits at most a quarter more', () => {
    expect(syncLookEveryMs(10_000)).toBe(1000)
    expect(syncLookEveryMs(4_000)).toBe(1000)
    expect(syncLookEveryMs(1_000)).toBe(250)
    expect(syncLookEveryMs(200)).toBe(100)
  })
})
