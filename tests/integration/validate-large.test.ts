import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { inspectFile } from '@/lib/server/files/ingest'
import { chatLine } from '@/tests/support/batch-files'

// OpenAI's limit: the largest file a batch may hold, generated here rather than committed.
const REQUESTS = 50_000

const dir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-validate-large-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Writes a chat file of REQUESTS lines, each with its own text, letting `replace` swap chosen lines. */
function writeChatFile(name: string, replace: (line: number) => string | undefined = () => undefined, finalNewline = true): string {
  const lines: string[] = []
  for (let line = 1; line <= REQUESTS; line++) {
    lines.push(replace(line) ?? chatLine({ customId: `request-${line}`, content: `Question ${line}: what is ${line} squared? Show the working.` }))
  }
  const file = path.join(dir, name)
  writeFileSync(file, lines.join('\n') + (finalNewline ? '\n' : ''))
  return file
}

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

describe('validating a 50,000-line file on the server, streaming from disk', () => {
  it('accepts it, counts every request and hashes exactly the bytes on disk', async () => {
    const file = writeChatFile('valid.jsonl')
    const { sha256, report } = await inspectFile(file)
    expect(report.errors).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.facts).toMatchObject({
      requestCount: REQUESTS,
      lines: REQUESTS,
      bytes: readFileSync(file).length,
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      maxTokens: { min: 100, max: 100, missing: 0, total: REQUESTS * 100 },
    })
    expect(report.facts.estimatedInputTokens).toBeGreaterThan(REQUESTS * 10)
    expect(sha256).toBe(sha256Of(file))
  })

  it('reports errors planted at the first, middle and last line at exactly those lines', async () => {
    const planted: Record<number, string> = {
      1: chatLine({ customId: 'request-1' }).slice(0, -3),
      25_000: chatLine({ customId: 'request-2' }),
      [REQUESTS]: chatLine({ customId: `request-${REQUESTS}`, model: 'gpt-4o' }),
    }
    // Without a final newline, so the last line comes from the end of the stream rather than a line break.
    const file = writeChatFile('planted.jsonl', (line) => planted[line], false)
    const { sha256, report } = await inspectFile(file)
    expect(report.errors.map(({ code, line, param }) => [code, line, param])).toEqual([
      ['invalid_json_line', 1, null],
      ['duplicate_custom_id', 25_000, 'custom_id'],
      ['mismatched_model', REQUESTS, 'body.model'],
    ])
    expect(report.errors[1]?.message).toContain('(line 2)')
    expect(report.errorCount).toBe(3)
    expect(report.facts.requestCount).toBe(REQUESTS)
    expect(sha256).toBe(sha256Of(file))
  })
})
