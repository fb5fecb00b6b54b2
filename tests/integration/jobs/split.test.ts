import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fillingPartLimits, splitIntoParts } from '@/lib/server/jobs/split'

describe('splitting a job input', () => {
  it('cuts embeddings parts at 50,000 inputs across their requests, as OpenAI limits an embeddings batch', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'split-'))
    const input = path.join(dir, 'input.jsonl')
    const line = (n: number) =>
      JSON.stringify({ custom_id: `e-${n}`, method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: Array(30_000).fill('hi') } })
    writeFileSync(input, `${[1, 2, 3].map(line).join('\n')}\n`)
    const parts = []
    for await (const part of splitIntoParts(input, {
      limits: { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024, maxTokens: null },
      endpoint: '/v1/embeddings',
      model: 'text-embedding-3-small',
      partPath: (n) => path.join(dir, `part-${n}.jsonl`),
    }))
      parts.push(part)
    // 30,000 + 30,000 would pass 50,000: every request is a part of its own.
    expect(parts.map((part) => part.lines.map((entry) => entry.customId))).toEqual([['e-1'], ['e-2'], ['e-3']])
    expect(readFileSync(parts[1]!.path, 'utf8')).toBe(`${line(2)}\n`)
  })

  it('cuts parts to an even share of the enqueued-token limit when whole parts of the usual size would leave room idle', () => {
    const limits = { maxRequests: 50, maxBytes: 200 * 1024 * 1024, maxTokens: 2_300 }
    // 50 lines of 13 tokens: 650 a part, 3.5 parts of room. Four parts of at most 575 tokens fill it.
    expect(fillingPartLimits(limits, { lines: 600, bytes: 600 * 200, estimatedTokens: 600 * 13 })).toEqual({ ...limits, maxTokens: 575 })
    // A part that already reaches the limit, no limit, or nothing known about the input: the limits as they are.
    expect(fillingPartLimits(limits, { lines: 600, bytes: 600 * 200, estimatedTokens: 600 * 60 })).toEqual(limits)
    expect(fillingPartLimits({ ...limits, maxTokens: null }, { lines: 600, bytes: 600 * 200, estimatedTokens: 600 * 13 })).toEqual({
      ...limits,
      maxTokens: null,
    })
    expect(fillingPartLimits(limits, { lines: 0, bytes: 0, estimatedTokens: 0 })).toEqual(limits)
    // Bytes bound the part first: 10 lines of 1 KB in a 10 KB part, 130 tokens, so the 2,300 are shared by 18 parts.
    expect(fillingPartLimits({ ...limits, maxBytes: 10_240 }, { lines: 600, bytes: 600 * 1024, estimatedTokens: 600 * 13 }).maxTokens).toBe(
      Math.floor(2_300 / 18),
    )
  })
})
