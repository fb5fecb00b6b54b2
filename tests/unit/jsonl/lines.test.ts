import { describe, expect, it } from 'vitest'
import { validateBatchFile } from '@/lib/jsonl'
import { LineSplitter } from '@/lib/jsonl/lines'
import { atOffsets, chatRequest, concatBytes, encoder, inChunks, validate } from './helpers'

const decoder = new TextDecoder()

function drain(splitter: LineSplitter): string[] {
  const out: string[] = []
  for (let line = splitter.next(); line !== null; line = splitter.next()) out.push(decoder.decode(line))
  return out
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and returns the unterminated last line at the end', () => {
    const splitter = new LineSplitter()
    const seen: string[] = []
    for (const chunk of ['ab', 'c\nde', 'f\n\ng', 'h']) {
      splitter.write(encoder.encode(chunk))
      seen.push(...drain(splitter))
    }
    expect(seen).toEqual(['abc', 'def', ''])
    expect(decoder.decode(splitter.end() ?? new Uint8Array())).toBe('gh')
    expect(splitter.end()).toBeNull()
  })

  it('has no last line when the input ends with a newline', () => {
    const splitter = new LineSplitter()
    splitter.write(encoder.encode('a\n'))
    expect(drain(splitter)).toEqual(['a'])
    expect(splitter.end()).toBeNull()
  })

  it('keeps its own copy of a partial line when the stream reuses its buffer', () => {
    const splitter = new LineSplitter()
    const buffer = encoder.encode('{"a"')
    splitter.write(buffer)
    expect(drain(splitter)).toEqual([])
    buffer.set(encoder.encode(':1}\n'))
    splitter.write(buffer)
    expect(drain(splitter)).toEqual(['{"a":1}'])
  })

  it('drops a line longer than its limit and flags it', () => {
    const splitter = new LineSplitter(5)
    const seen: [string, boolean][] = []
    for (const chunk of ['abc', 'defgh', 'ij\nok\n', 'toolongline\nx']) {
      splitter.write(encoder.encode(chunk))
      for (let line = splitter.next(); line !== null; line = splitter.next()) seen.push([decoder.decode(line), splitter.truncated])
    }
    const last = splitter.end()
    seen.push([decoder.decode(last ?? new Uint8Array()), splitter.truncated])
    expect(seen).toEqual([
      ['', true],
      ['ok', false],
      ['', true],
      ['x', false],
    ])
  })

  it('refuses a new chunk before the previous one is drained', () => {
    const splitter = new LineSplitter()
    splitter.write(encoder.encode('a\nb\n'))
    splitter.next()
    expect(() => splitter.write(encoder.encode('c'))).toThrow()
  })
})

describe('chunk boundaries', () => {
  // BOM, CRLF, 2-, 3- and 4-byte characters, an error on line 3 and a duplicate on line 5.
  const content = encoder.encode(
    '\uFEFF' +
      [
        chatRequest('café', {}, { messages: [{ role: 'user', content: 'naïve — 日本語 🙂' }] }),
        chatRequest('b'),
        '{"custom_id": "ü", ',
        chatRequest('d', {}, { messages: [{ role: 'user', content: '🙂🙂' }] }),
        chatRequest('café'),
      ].join('\r\n') +
      '\r\n',
  )

  it('gives the same report wherever the stream is cut', async () => {
    const whole = await validate(content)
    expect(whole.errors.map((error) => [error.code, error.line])).toEqual([
      ['invalid_json_line', 3],
      ['duplicate_custom_id', 5],
    ])
    expect(whole.facts.estimatedInputTokens).toBeGreaterThan(0)
    for (let offset = 1; offset < content.length; offset++) {
      const report = await validateBatchFile(atOffsets(content, [offset]))
      expect(report, `cut at byte ${offset}`).toEqual(whole)
    }
  })

  it('gives the same report when every byte arrives on its own', async () => {
    const whole = await validate(content)
    expect(await validateBatchFile(inChunks(content, 1))).toEqual(whole)
  })

  it('finds invalid UTF-8 on the right line wherever the stream is cut', async () => {
    const broken = concatBytes(
      encoder.encode(chatRequest('a') + '\n{"custom_id": "'),
      new Uint8Array([0xf0, 0x9f, 0x99]),
      encoder.encode('"}\n' + chatRequest('c')),
    )
    for (let offset = 1; offset < broken.length; offset++) {
      const report = await validateBatchFile(atOffsets(broken, [offset]))
      expect(
        report.errors.map((error) => [error.code, error.line]),
        `cut at byte ${offset}`,
      ).toEqual([['invalid_utf8', 2]])
    }
  })
})
