import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readLocatedLines, type LocatedLine } from '@/lib/workers/located-lines'

const dir = mkdtempSync(path.join(os.tmpdir(), 'located-lines-'))

async function read(content: string | Buffer, from?: { offset: number; index: number }, chunkBytes?: number): Promise<LocatedLine[]> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.jsonl`)
  writeFileSync(file, content)
  const lines: LocatedLine[] = []
  for await (const line of readLocatedLines(file, from, chunkBytes)) lines.push(line)
  return lines
}

/** What each line's offset and length point at in the file: its text, byte for byte. */
const located = (content: string, lines: LocatedLine[]) => lines.map((line) => Buffer.from(content).toString('utf8', line.offset, line.offset + line.length))

describe('readLocatedLines', () => {
  const content = '{"a":1}\r\n\n  \n{"b":"é ü"}\n{"c":3}'

  // Chunks smaller than a line, a line across two chunks, and the default 1 MiB: the same lines, numbered alike.
  it.each([4, 7, 16, 1 << 20])('finds each non-blank line, its place and its number whatever the chunk size (%i bytes)', async (chunkBytes) => {
    const lines = await read(content, undefined, chunkBytes)
    expect(lines.map((line) => [line.index, line.text])).toEqual([
      [0, '{"a":1}'],
      [1, '{"b":"é ü"}'],
      [2, '{"c":3}'],
    ])
    expect(located(content, lines)).toEqual(lines.map((line) => line.text))
  })

  it('skips a UTF-8 byte-order mark, counting its bytes in the offsets', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')])
    const lines = await read(withBom, undefined, 5)
    expect(lines.map((line) => [line.text, line.offset, line.length])).toEqual([
      ['{"a":1}', 3, 7],
      ['{"b":2}', 11, 7],
    ])
  })

  it('resumes at a line start with the request index there', async () => {
    const all = await read(content)
    const rest = await read(content, { offset: all[1]!.offset, index: 1 }, 8)
    expect(rest).toEqual(all.slice(1))
  })

  it('reads lines far longer than its buffer', async () => {
    const long = `{"text":"${'x'.repeat(10_000)}"}`
    const text = `${long}\n{"b":2}\n${long}`
    const lines = await read(text, undefined, 64)
    expect(lines.map((line) => line.length)).toEqual([long.length, 7, long.length])
    expect(located(text, lines)).toEqual([long, '{"b":2}', long])
  })

  it('reads an empty file as no lines', async () => {
    expect(await read('')).toEqual([])
    expect(await read('\n\n')).toEqual([])
  })
})
