import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { splitIntoParts } from '@/lib/server/jobs/split'

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
})
