import { describe, expect, it } from 'vitest'
import { describeNativeFormat, formatRefusal, lineFormatOf } from '@/lib/jsonl'
import { chatRequest, validate } from './helpers'

const lines = (...rows: unknown[]) => rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n'

const anthropicLine = (id: string, model = 'claude-sonnet-4-5', extra: Record<string, unknown> = {}) => ({
  custom_id: id,
  params: { model, max_tokens: 64, messages: [{ role: 'user', content: `Hello ${id}` }], ...extra },
})
const geminiLine = (key: string, model = 'models/gemini-2.5-flash') => ({
  key,
  request: { model, contents: [{ role: 'user', parts: [{ text: `Hi ${key}` }] }] },
})

describe('lineFormatOf', () => {
  it("tells Anthropic's and Gemini's own lines from OpenAI's", () => {
    expect(lineFormatOf(anthropicLine('a'))).toBe('anthropic')
    expect(lineFormatOf(geminiLine('g'))).toBe('gemini')
    expect(lineFormatOf(JSON.parse(chatRequest('o')))).toBe('openai')
    // OpenAI's fields win: a body beside params is an OpenAI line with an extra field.
    expect(lineFormatOf({ ...anthropicLine('x'), body: {} })).toBe('openai')
    expect(lineFormatOf({ key: 1, request: {} })).toBe('openai')
    expect(lineFormatOf({})).toBe('openai')
  })
})

describe('a file in a provider’s own format', () => {
  it('is one file-level finding, not an error per line; Anthropic files may mix models', async () => {
    const report = await validate(lines(anthropicLine('a'), anthropicLine('b', 'claude-haiku-4-5'), anthropicLine('c')))
    expect(report.ok).toBe(true)
    expect(report.errors).toEqual([])
    expect(report.facts).toMatchObject({ format: 'anthropic', endpoint: '/v1/chat/completions', model: 'claude-sonnet-4-5', requestCount: 3 })
    expect(report.facts.maxTokens).toMatchObject({ total: 192, missing: 0 })
    expect(report.facts.estimatedInputTokens).toBeGreaterThan(0)
    expect(describeNativeFormat('anthropic')).toBe('Anthropic Message Batches format: runs on an anthropic connection')
    expect(describeNativeFormat('gemini')).toBe('Gemini Batch Mode format: runs on a gemini connection')
  })

  it('Gemini lines run one model, named on the lines', async () => {
    const report = await validate(lines(geminiLine('a'), geminiLine('b', 'gemini-2.5-flash')))
    expect(report).toMatchObject({ ok: true, facts: { format: 'gemini', model: 'gemini-2.5-flash', endpoint: '/v1/chat/completions' } })
    expect(report.facts.estimatedInputTokens).toBeGreaterThan(0)
    expect(report.facts.maxTokens).toMatchObject({ total: 0, missing: 2 })
    const mixed = await validate(lines(geminiLine('a'), geminiLine('b', 'models/gemini-2.5-pro'), { key: 'c', request: { contents: [] } }))
    expect(mixed.errors.map((error) => [error.code, error.line, error.param])).toEqual([
      ['mismatched_model', 2, 'request.model'],
      ['invalid_request', 3, 'request.model'],
    ])
  })

  it('estimates Gemini lines’ input tokens from their text parts and system instruction, and their caps from maxOutputTokens', async () => {
    const long = 'word '.repeat(400)
    const line = (key: string, extra: Record<string, unknown>) => ({ key, request: { ...geminiLine(key).request, ...extra } })
    const short = await validate(lines(line('a', {})))
    const longer = await validate(
      lines(
        line('a', { systemInstruction: { parts: [{ text: long }] }, generationConfig: { maxOutputTokens: 300 } }),
        line('b', { generationConfig: { maxOutputTokens: 200 } }),
      ),
    )
    expect(longer.facts.estimatedInputTokens! - short.facts.estimatedInputTokens!).toBeGreaterThan(400)
    expect(longer.facts.maxTokens).toEqual({ min: 200, max: 300, missing: 0, total: 500 })
  })

  it('checks the shape the provider requires and unique ids', async () => {
    const report = await validate(
      lines(
        anthropicLine('a'),
        anthropicLine('a'),
        { custom_id: 'b', params: { model: 'claude-sonnet-4-5', messages: [] } },
        { params: anthropicLine('c').params },
      ),
    )
    expect(report.errors.map((error) => [error.code, error.line, error.param])).toEqual([
      ['duplicate_custom_id', 2, 'custom_id'],
      ['invalid_request', 3, 'params.max_tokens'],
      ['invalid_request', 4, 'custom_id'],
    ])
  })

  it('refuses a line of another format with its line number, whichever format comes first', async () => {
    const report = await validate(lines(anthropicLine('a'), anthropicLine('b'), chatRequest('c'), geminiLine('d')))
    expect(report.errors.map((error) => [error.line, error.param])).toEqual([
      [3, null],
      [4, null],
    ])
    expect(report.errors[0]!.message).toMatch(/^This line is in OpenAI's batch format \(\{custom_id, method, url, body\}\), /)
    expect(report.errors[1]!.message).toMatch(/^This line is in Gemini Batch Mode's format \(\{key, request\}\), /)
    expect(report.errors[0]!.message).toContain("but the file is in Anthropic's Message Batches format ({custom_id, params}) (line 1)")
    expect(report.facts.format).toBe('anthropic')
  })
})

describe('formatRefusal', () => {
  it('names the connection kind a native file needs, and lets OpenAI files run anywhere', () => {
    expect(formatRefusal('anthropic', 'anthropic')).toBeNull()
    expect(formatRefusal('gemini', 'gemini')).toBeNull()
    for (const kind of ['openai', 'builtin', 'anthropic', 'gemini']) expect(formatRefusal('openai', kind)).toBeNull()
    expect(formatRefusal('anthropic', 'openai')).toBe(
      "This file is in Anthropic's Message Batches format ({custom_id, params}), which runs only on an anthropic connection. Choose an anthropic connection, or write its lines in OpenAI's batch format to run it here.",
    )
    expect(formatRefusal('gemini', 'builtin')).toContain('runs only on a gemini connection')
  })
})
