import { writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { translateAnthropicLine } from '@/lib/providers/anthropic/translate'
import { translateFile } from '@/lib/server/providers/line-reader'
import { tempDirForFile } from '@/tests/support/provider-batch-file'

const at = tempDirForFile('line-reader-')
const line = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }], ...extra },
  })

async function translate(name: string, lines: string[], limits = { maxRequests: 10, maxBytes: 1_000_000 }) {
  const file = at(name)
  await writeFile(file, lines.join('\n'))
  const accepted: string[] = []
  const result = await translateFile(
    file,
    (value, n) => translateAnthropicLine(value, n),
    (request) => void accepted.push(request.custom_id),
    { ...limits, provider: 'Anthropic', format: 'anthropic' },
  )
  return { result, accepted }
}

describe('translateFile', () => {
  it('hands over each translated request and counts them', async () => {
    const { result, accepted } = await translate('ok.jsonl', [line('a'), '', line('b')])
    expect(result).toMatchObject({ ok: true, requests: 2 })
    expect(accepted).toEqual(['a', 'b'])
  })

  it('reports every bad line with its number and hands over nothing after the first', async () => {
    const { result, accepted } = await translate('bad.jsonl', [line('a'), '{oops', line('b', { n: 3 }), line('c')])
    expect(result).toEqual({
      ok: false,
      errorCount: 2,
      errors: [
        { line: 2, param: null, message: 'This line is not parseable as valid JSON.' },
        { line: 3, param: 'body.n', message: 'Anthropic returns one answer per request: remove "n" and repeat the line with new custom_ids instead.' },
      ],
    })
    expect(accepted).toEqual(['a'])
  })

  it("stops at the provider's request and size limits, naming the line to split before", async () => {
    expect((await translate('many.jsonl', [line('a'), line('b'), line('c')], { maxRequests: 2, maxBytes: 1_000_000 })).result).toEqual({
      ok: false,
      errorCount: 1,
      errors: [{ line: 3, param: null, message: 'Anthropic takes at most 2 requests per batch: split the file before this line.' }],
    })
    const size = JSON.stringify(translateAnthropicLine(JSON.parse(line('a')), 1)).length
    expect((await translate('big.jsonl', [line('a'), line('b')], { maxRequests: 10, maxBytes: size + 10 })).result).toMatchObject({
      ok: false,
      errors: [{ line: 2, message: 'Anthropic takes at most 0 MB per batch: split the file before this line.' }],
    })
  })

  it('refuses an empty file', async () => {
    expect((await translate('empty.jsonl', ['', ''])).result).toEqual({
      ok: false,
      errorCount: 1,
      errors: [{ line: null, param: null, message: 'The file has no requests.' }],
    })
  })
})
