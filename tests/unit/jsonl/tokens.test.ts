import { modelToEncodingMap } from 'gpt-tokenizer/mapping'
import * as models from 'gpt-tokenizer/models'
import { describe, expect, it } from 'vitest'
import { encodingForModel } from '@/lib/jsonl'
import { chatRequest, request, validate } from './helpers'

const lines = (...rows: string[]) => rows.join('\n') + '\n'

describe('encodingForModel', () => {
  it("agrees with gpt-tokenizer's own choice for every model it knows", () => {
    const map: Partial<Record<string, string>> = modelToEncodingMap
    // gpt-tokenizer falls back to o200k_base for models missing from its map
    const known = Object.keys(models)
      .map((model) => [model, map[model] ?? 'o200k_base'] as const)
      .filter(([, encoding]) => encoding === 'o200k_base' || encoding === 'cl100k_base')
    expect(known.filter(([, encoding]) => encoding === 'cl100k_base').length).toBeGreaterThan(20)
    expect(known.filter(([, encoding]) => encoding === 'o200k_base').length).toBeGreaterThan(100)
    for (const [model, encoding] of known) expect(encodingForModel(model), model).toBe(encoding)
  })

  it('places snapshots, fine-tunes and unknown models', () => {
    expect(encodingForModel('gpt-4-0613')).toBe('cl100k_base')
    expect(encodingForModel('ft:gpt-3.5-turbo-0125:acme::9abc')).toBe('cl100k_base')
    expect(encodingForModel('ft:gpt-4o-mini-2024-07-18:acme::9abc')).toBe('o200k_base')
    expect(encodingForModel('gpt-4o-2099-01-01')).toBe('o200k_base')
    expect(encodingForModel('gpt-7')).toBe('o200k_base')
    expect(encodingForModel('llama-3.1-8b-instruct')).toBe('o200k_base')
    expect(encodingForModel(null)).toBe('o200k_base')
  })
})

describe('estimated input tokens', () => {
  it('counts message text plus the cookbook framing', async () => {
    // "Hello world" is 2 tokens; 4 frame the message and 3 prime the reply.
    const report = await validate(chatRequest('a'))
    expect(report.facts.estimatedInputTokens).toBe(9)
    expect(report.facts.tokenEncoding).toBe('o200k_base')
    expect(report.facts.tokenEstimate).toBe('exact')
  })

  it('lands in a sane range for a known paragraph', async () => {
    const paragraph =
      'The Batch API lets you send asynchronous groups of requests at half the cost, with a separate pool of higher rate limits and a clear 24-hour turnaround time. It suits jobs that do not need an immediate answer, such as running evaluations, classifying large datasets or embedding content repositories.'
    const report = await validate(
      chatRequest(
        'a',
        {},
        {
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: paragraph },
          ],
        },
      ),
    )
    // about four characters per token for English
    expect(report.facts.estimatedInputTokens).toBeGreaterThan(60)
    expect(report.facts.estimatedInputTokens).toBeLessThan(90)
  })

  it('uses the encoding of the batch model', async () => {
    const hindi = 'नमस्ते दुनिया, आप कैसे हैं'
    const body = { messages: [{ role: 'user', content: hindi }] }
    const o200k = await validate(chatRequest('a', {}, { ...body, model: 'gpt-4o' }))
    const cl100k = await validate(chatRequest('a', {}, { ...body, model: 'gpt-4' }))
    expect(o200k.facts.tokenEncoding).toBe('o200k_base')
    expect(cl100k.facts.tokenEncoding).toBe('cl100k_base')
    // 9 and 26 tokens of text, each with 7 of framing
    expect(o200k.facts.estimatedInputTokens).toBe(16)
    expect(cl100k.facts.estimatedInputTokens).toBe(33)
  })

  it('treats special-token text in a prompt as plain text', async () => {
    const report = await validate(chatRequest('a', {}, { messages: [{ role: 'user', content: '<|endoftext|>' }] }))
    expect(report.ok).toBe(true)
    expect(report.facts.estimatedInputTokens).toBe(7 + 7)
  })

  it('counts Responses instructions and input, and leaves image data alone', async () => {
    const image = { type: 'input_image', image_url: 'data:image/png;base64,' + 'A'.repeat(100_000) }
    const report = await validate(
      request('/v1/responses', 'a', {
        model: 'gpt-4.1',
        instructions: 'Hello world',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello world' }, image] }],
      }),
    )
    expect(report.facts.estimatedInputTokens).toBe(3 + 2 + 4 + 2)
    expect(report.facts.imageInputCount).toBe(1)
  })

  it('takes token-array inputs at their length', async () => {
    const report = await validate(
      lines(
        request('/v1/embeddings', 'a', {
          model: 'text-embedding-3-small',
          input: [
            [1, 2, 3],
            [4, 5],
          ],
        }),
        request('/v1/embeddings', 'b', { model: 'text-embedding-3-small', input: [7, 8, 9, 10] }),
      ),
    )
    expect(report.facts.estimatedInputTokens).toBe(9)
  })

  it('counts completions prompts and embedding strings', async () => {
    const completions = await validate(request('/v1/completions', 'a', { model: 'gpt-3.5-turbo-instruct', prompt: ['Hello world', 'Hello world'] }))
    expect(completions.facts.estimatedInputTokens).toBe(4)
    const embeddings = await validate(request('/v1/embeddings', 'a', { model: 'text-embedding-3-small', input: 'Hello world' }))
    expect(embeddings.facts.estimatedInputTokens).toBe(2)
    expect(embeddings.facts.tokenEncoding).toBe('cl100k_base')
  })

  it('is skipped when turned off', async () => {
    const report = await validate(chatRequest('a'), { tokenEstimate: 'off' })
    expect(report.facts.estimatedInputTokens).toBeNull()
    expect(report.facts.tokenEncoding).toBeNull()
    expect(report.facts.tokenEstimate).toBe('off')
  })

  it('samples a large file to within a few percent of the exact count', async () => {
    const words = ['batch', 'request', 'línea', 'model', 'token', '数据', 'stream', 'json', 'error', 'file', 'the', 'of', 'a', 'to']
    let seed = 7
    const next = () => (seed = (seed * 48271) % 2147483647)
    const rows: string[] = []
    for (let i = 0; i < 600; i++) {
      const text = Array.from({ length: 600 }, () => words[next() % words.length]).join(' ')
      rows.push(chatRequest(`r${i}`, {}, { messages: [{ role: 'user', content: text }] }))
    }
    const content = lines(...rows)
    const exact = await validate(content, { tokenEstimate: 'exact' })
    const sampled = await validate(content, { tokenEstimate: 'sampled' })
    expect(exact.facts.tokenEstimate).toBe('exact')
    expect(sampled.facts.tokenEstimate).toBe('sampled')
    const exactTokens = exact.facts.estimatedInputTokens ?? 0
    expect(exactTokens).toBeGreaterThan(600 * 600 * 0.8)
    expect(Math.abs((sampled.facts.estimatedInputTokens ?? 0) - exactTokens) / exactTokens).toBeLessThan(0.03)
  })
})
