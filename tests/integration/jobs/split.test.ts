import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadedTokenEncodings } from '@/lib/jsonl/tokens'
import { fillingPartLimits, splitIntoParts, type SplitOptions, type SplitPart } from '@/lib/server/jobs/split'
import { PART_ROWS_PER_CHUNK, type PartRow } from '@/lib/workers/split-part'

const chatLine = (n: number) =>
  JSON.stringify({
    custom_id: `c-${n}`,
    method: 'POST',
    url: '/v1/chat/completions',
    // Varied text, so a line's tokens per character differ from the average the sampled estimate scales by.
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${n} ${'about tokens and parts '.repeat(1 + (n % 7))}` }] },
  })

/** A part's lines as the worker handed them over (JSON chunks of rows), one object a line. */
const linesOf = (part: SplitPart) =>
  part.rows.flatMap((chunk) => JSON.parse(chunk) as PartRow[]).map(([line, customId, offset, length]) => ({ line, customId, offset, length }))

async function splitAll(input: string, dir: string, options: Omit<SplitOptions, 'endpoint' | 'model' | 'partPath'>) {
  const parts = []
  const name = `${parts.length}-${Math.random().toString(36).slice(2)}`
  for await (const part of splitIntoParts(input, {
    ...options,
    endpoint: '/v1/chat/completions',
    model: 'gpt-4o-mini',
    partPath: (n) => path.join(dir, `${name}-part-${n}.jsonl`),
  }))
    parts.push(part)
  return parts
}

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
    expect(parts.map((part) => linesOf(part).map((entry) => entry.customId))).toEqual([['e-1'], ['e-2'], ['e-3']])
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

  // Issue 18: the tokenizer's rank tables (about 60 MB) load only in worker threads, never on the server's request
  // thread. This test's thread stands for it: it drives the split as the job loop does.
  it('estimates tokens in a worker thread, part after part, as one pass over the input would', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'split-'))
    const input = path.join(dir, 'input.jsonl')
    // Over the 500,000 characters the estimate counts exactly before it samples, so parts also carry the sampling on.
    const count = 6_000
    writeFileSync(input, `${Array.from({ length: count }, (_, n) => chatLine(n + 1)).join('\n')}\n`)
    const limits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 }
    const [whole] = await splitAll(input, dir, { limits: { ...limits, maxTokens: null } })
    const cut = await splitAll(input, dir, { limits: { ...limits, maxTokens: 20_000 } })

    expect(linesOf(whole!)).toHaveLength(count)
    expect(whole!.lineCount).toBe(count)
    // The rows cross threads as a few JSON strings, not one object a line.
    expect(whole!.rows).toHaveLength(Math.ceil(count / PART_ROWS_PER_CHUNK))
    expect(whole!.estimatedTokens).toBeGreaterThan(100_000)
    expect(cut.length).toBeGreaterThan(5)
    expect(cut.every((part) => part.estimatedTokens <= 20_000)).toBe(true)
    // Each line is estimated once, in input order, with the tally of the lines before it, whichever part it lands in.
    expect(cut.reduce((sum, part) => sum + part.estimatedTokens, 0)).toBe(whole!.estimatedTokens)
    expect(cut.flatMap((part) => linesOf(part).map((line) => line.line))).toEqual(linesOf(whole!).map((line) => line.line))
    expect(cut.map((part) => part.next.index)).toEqual(cut.map((part) => linesOf(part).at(-1)!.line))
    expect(readFileSync(cut[1]!.path, 'utf8')).toBe(
      `${linesOf(cut[1]!)
        .map((line) => chatLine(line.line))
        .join('\n')}\n`,
    )
    expect(loadedTokenEncodings()).toEqual([])
  })

  it('takes only the wanted lines, at most a part’s worth per worker task', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'split-'))
    const input = path.join(dir, 'input.jsonl')
    writeFileSync(input, `${Array.from({ length: 100 }, (_, n) => chatLine(n + 1)).join('\n')}\n`)
    const only = Array.from({ length: 100 }, (_, n) => n + 1).filter((line) => line % 3 === 0 || line === 100)
    const parts = await splitAll(input, dir, { limits: { maxRequests: 10, maxBytes: 200 * 1024 * 1024, maxTokens: null }, only })

    expect(parts.map((part) => linesOf(part).map((line) => line.line))).toEqual([only.slice(0, 10), only.slice(10, 20), only.slice(20, 30), only.slice(30)])
    expect(parts.map((part) => linesOf(part).map((line) => line.customId)).flat()).toEqual(only.map((line) => `c-${line}`))
    expect(readFileSync(parts[3]!.path, 'utf8')).toBe(`${only.slice(30).map(chatLine).join('\n')}\n`)
  })
})
