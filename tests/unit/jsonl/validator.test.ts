import { describe, expect, it } from 'vitest'
import { BATCH_FILE_ERROR_CODES, DEFAULT_MAX_BYTES, DEFAULT_MAX_ERRORS, DEFAULT_MAX_REQUESTS, createBatchFileValidator, validateBatchFile } from '@/lib/jsonl'
import { chatRequest, concatBytes, encoder, request, validate, where, type Json } from './helpers'

const lines = (...rows: string[]) => rows.join('\n') + '\n'

describe('a valid file', () => {
  it('passes and reports its facts', async () => {
    const content = lines(chatRequest('a'), chatRequest('b'), chatRequest('c'))
    const report = await validate(content)
    expect(report.ok).toBe(true)
    expect(report.errors).toEqual([])
    expect(report.errorCount).toBe(0)
    expect(report.facts).toMatchObject({
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      requestCount: 3,
      lines: 3,
      bytes: encoder.encode(content).length,
    })
  })

  it('accepts a UTF-8 byte order mark, CRLF line endings and no final newline', async () => {
    const content = '\uFEFF' + [chatRequest('a'), chatRequest('b'), chatRequest('c')].join('\r\n')
    const report = await validate(content)
    expect(where(report)).toEqual([])
    expect(report.facts.requestCount).toBe(3)
    expect(report.facts.lines).toBe(3)
  })

  it('ignores blank lines at the end of the file', async () => {
    const report = await validate(chatRequest('a') + '\n\n  \r\n\n')
    expect(report.ok).toBe(true)
    expect(report.facts.requestCount).toBe(1)
    expect(report.facts.lines).toBe(4)
  })
})

describe('line errors', () => {
  it("refuses Anthropic's and Gemini's own lines in an OpenAI-format file, naming the file's format and its first line", async () => {
    const anthropic = JSON.stringify({ custom_id: 'a', params: { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] } })
    const gemini = JSON.stringify({ key: 'g', request: { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] } })
    const report = await validate(lines(chatRequest('ok'), anthropic, gemini))
    expect(report.ok).toBe(false)
    expect(report.errors).toEqual([
      { code: 'invalid_request', line: 2, param: null, message: expect.stringContaining("This line is in Anthropic's Message Batches format") },
      { code: 'invalid_request', line: 3, param: null, message: expect.stringContaining("This line is in Gemini Batch Mode's format") },
    ])
    for (const error of report.errors) expect(error.message).toContain("but the file is in OpenAI's batch format ({custom_id, method, url, body}) (line 1)")
  })

  it('reports unparseable JSON with its line number', async () => {
    const report = await validate(lines(chatRequest('a'), '{"custom_id": "b", "method": ', chatRequest('c')))
    expect(where(report)).toEqual([['invalid_json_line', 2, null]])
    expect(report.errors[0]?.message).toMatch(/^This line is not parseable as valid JSON\./)
  })

  it('reports JSON that is not an object as an invalid line, saying what it found', async () => {
    const report = await validate(lines('[1, 2]', '"a string"', 'null', '42', chatRequest('a')))
    expect(where(report)).toEqual([
      ['invalid_json_line', 1, null],
      ['invalid_json_line', 2, null],
      ['invalid_json_line', 3, null],
      ['invalid_json_line', 4, null],
    ])
    expect(report.errors[0]?.message).toContain('an array, not an object')
    expect(report.errors[2]?.message).toContain('null, not an object')
  })

  it('reports blank and whitespace-only lines between requests', async () => {
    const report = await validate(lines(chatRequest('a'), '', ' \t ', chatRequest('b'), '', chatRequest('c')))
    expect(where(report)).toEqual([
      ['invalid_json_line', 2, null],
      ['invalid_json_line', 3, null],
      ['invalid_json_line', 5, null],
    ])
    expect(report.errors[0]?.message).toContain('blank')
    expect(report.facts.requestCount).toBe(3)
  })

  it('reports a blank first line', async () => {
    const report = await validate('\n' + chatRequest('a'))
    expect(where(report)).toEqual([['invalid_json_line', 1, null]])
  })

  it('reports invalid UTF-8 on its line and keeps checking the rest', async () => {
    const bytes = concatBytes(
      encoder.encode(chatRequest('a') + '\n{"custom_id": "caf'),
      new Uint8Array([0xe9]), // Latin-1 "é"
      encoder.encode('"}\n' + chatRequest('a') + '\n'),
    )
    const report = await validate(bytes)
    expect(where(report)).toEqual([
      ['invalid_utf8', 2, null],
      ['duplicate_custom_id', 3, 'custom_id'],
    ])
    expect(report.errors[0]?.message).toContain('Save the file with UTF-8 encoding')
  })

  it('rejects overlong and surrogate UTF-8 encodings', async () => {
    const overlong = concatBytes(encoder.encode('{"custom_id": "'), new Uint8Array([0xc0, 0xaf]), encoder.encode('"}'))
    const surrogate = concatBytes(encoder.encode('{"custom_id": "'), new Uint8Array([0xed, 0xa0, 0x80]), encoder.encode('"}'))
    const report = await validate(concatBytes(overlong, encoder.encode('\n'), surrogate))
    expect(where(report)).toEqual([
      ['invalid_utf8', 1, null],
      ['invalid_utf8', 2, null],
    ])
  })

  const utf16 = (text: string, order: 'le' | 'be', byteOrderMark: boolean) => {
    const bytes = new Uint8Array((byteOrderMark ? 2 : 0) + text.length * 2)
    if (byteOrderMark) bytes.set(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff])
    for (let i = 0; i < text.length; i++) bytes[(byteOrderMark ? 2 : 0) + i * 2 + (order === 'le' ? 0 : 1)] = text.charCodeAt(i)
    return bytes
  }

  it.each([
    ['le', true, 'UTF-16LE (with a byte order mark)', 'iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl'],
    ['be', true, 'UTF-16BE (with a byte order mark)', 'iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl'],
    ['le', false, 'UTF-16LE (without a byte order mark)', 'iconv -f UTF-16LE -t UTF-8 in.jsonl > out.jsonl'],
    ['be', false, 'UTF-16BE (without a byte order mark)', 'iconv -f UTF-16BE -t UTF-8 in.jsonl > out.jsonl'],
  ] as const)('reports a UTF-16 file (%s, mark: %s) once, as a file error saying how to convert it', async (order, mark, what, command) => {
    const report = await validate(utf16(lines(chatRequest('a'), chatRequest('b'), chatRequest('c')), order, mark))
    expect(where(report)).toEqual([['invalid_utf8', null, null]])
    expect(report.errors[0]?.message).toContain(`encoded as ${what}`)
    expect(report.errors[0]?.message).toContain(command)
    expect(report.ok).toBe(false)
  })

  it('recognises UTF-16 whose first bytes arrive one at a time, and a file shorter than the sniffed head', async () => {
    const bytes = utf16(chatRequest('a'), 'le', false)
    const validator = createBatchFileValidator()
    for (const byte of bytes) await validator.push(new Uint8Array([byte]))
    expect(where(await validator.finish())).toEqual([['invalid_utf8', null, null]])
    expect(where(await validate(utf16('{"a":1}', 'be', false)))).toEqual([['invalid_utf8', null, null]])
  })

  it('recognises UTF-16 without a mark whose first characters include ones with a zero low byte (一, U+4E00)', async () => {
    const report = await validate(utf16(lines(chatRequest('一丁'), chatRequest('b')), 'le', false))
    expect(where(report)).toEqual([['invalid_utf8', null, null]])
  })

  it('does not take a UTF-8 file with non-ASCII text for UTF-16', async () => {
    const report = await validate(lines(chatRequest('日本語のテキスト'), chatRequest('b')))
    expect(report.ok).toBe(true)
  })

  it('keeps a byte order mark in the middle of the file as an error', async () => {
    const report = await validate(chatRequest('a') + '\n\uFEFF' + chatRequest('b'))
    expect(where(report)).toEqual([['invalid_json_line', 2, null]])
  })

  it.each(['custom_id', 'method', 'url', 'body'])('reports a missing %s', async (param) => {
    const line = JSON.parse(chatRequest('a')) as Record<string, unknown>
    delete line[param]
    const report = await validate(lines(chatRequest('first'), JSON.stringify(line)))
    expect(where(report)).toEqual([['missing_required_parameter', 2, param]])
    expect(report.errors[0]?.message).toContain(`Missing required parameter: '${param}'.`)
  })

  it('treats null like a missing parameter', async () => {
    const report = await validate(chatRequest('a', { custom_id: null }))
    expect(where(report)).toEqual([['missing_required_parameter', 1, 'custom_id']])
  })

  it('reports every missing parameter of a line', async () => {
    const report = await validate('{}')
    expect(where(report)).toEqual([
      ['missing_required_parameter', 1, 'custom_id'],
      ['missing_required_parameter', 1, 'method'],
      ['missing_required_parameter', 1, 'url'],
      ['missing_required_parameter', 1, 'body'],
    ])
  })

  it('requires body.model', async () => {
    const report = await validate(lines(chatRequest('a'), chatRequest('b', {}, { model: null })))
    expect(where(report)).toEqual([['invalid_request', 2, 'body.model']])
    expect(report.errors[0]?.message).toMatch(/^Model parameter is required\./)
  })

  it('rejects a model that is not a string', async () => {
    const report = await validate(chatRequest('a', {}, { model: 4 }))
    expect(where(report)).toEqual([['invalid_request', 1, 'body.model']])
  })

  it.each([
    ['/v1/chat/completions', 'messages', { model: 'gpt-4o-mini' }, /^Messages parameter is required\./],
    ['/v1/embeddings', 'input', { model: 'text-embedding-3-small' }, /^Input parameter is required\./],
    ['/v1/moderations', 'input', { model: 'omni-moderation-latest' }, /^Input parameter is required\./],
    ['/v1/responses', 'input', { model: 'gpt-4.1' }, /^Input parameter is required\./],
    ['/v1/completions', 'prompt', { model: 'gpt-3.5-turbo-instruct' }, /^Prompt parameter is required\./],
    ['/v1/images/generations', 'prompt', { model: 'gpt-image-1' }, /^Prompt parameter is required\./],
  ])('requires the input of %s (%s)', async (url, param, body, message) => {
    const report = await validate(request(url, 'a', body))
    expect(where(report)).toEqual([['invalid_request', 1, `body.${param}`]])
    expect(report.errors[0]?.message).toMatch(message)
  })

  it('accepts a Responses request whose input comes from a stored prompt', async () => {
    const report = await validate(request('/v1/responses', 'a', { model: 'gpt-4.1', prompt: { id: 'pmpt_123' } }))
    expect(report.ok).toBe(true)
  })

  it('rejects chat messages that are not an array', async () => {
    const report = await validate(chatRequest('a', {}, { messages: 'Hello' }))
    expect(where(report)).toEqual([['invalid_request', 1, 'body.messages']])
  })

  it('lets a moderations request omit the model, as OpenAI defaults it', async () => {
    const report = await validate(lines(request('/v1/moderations', 'a', { input: 'hi' }), request('/v1/moderations', 'b', { input: 'there' })))
    expect(report.ok).toBe(true)
    expect(report.facts.model).toBe('omni-moderation-latest')
  })

  it('compares a defaulted moderations model with the explicit ones', async () => {
    const report = await validate(
      lines(request('/v1/moderations', 'a', { model: 'text-moderation-latest', input: 'hi' }), request('/v1/moderations', 'b', { input: 'hi' })),
    )
    expect(where(report)).toEqual([['mismatched_model', 2, 'body.model']])
  })

  it('only accepts POST', async () => {
    const report = await validate(lines(chatRequest('a', { method: 'GET' }), chatRequest('b', { method: 'post' })))
    expect(where(report)).toEqual([
      ['invalid_request', 1, 'method'],
      ['invalid_request', 2, 'method'],
    ])
    expect(report.errors[0]?.message).toContain('"method": "POST"')
  })

  it('rejects a body that is not an object', async () => {
    const report = await validate(lines(chatRequest('a', { body: '{"model": "gpt-4o"}' }), chatRequest('b', { body: [] })))
    expect(where(report)).toEqual([
      ['invalid_request', 1, 'body'],
      ['invalid_request', 2, 'body'],
    ])
  })

  it('rejects a custom_id that is not a non-empty string', async () => {
    const report = await validate(lines(chatRequest('a', { custom_id: 7 }), chatRequest('b', { custom_id: '' })))
    expect(where(report)).toEqual([
      ['invalid_request', 1, 'custom_id'],
      ['invalid_request', 2, 'custom_id'],
    ])
  })

  it('rejects an unsupported url, listing the supported ones', async () => {
    const report = await validate(lines(chatRequest('a', { url: '/v1/audio/speech' }), chatRequest('b')))
    expect(where(report)).toEqual([['invalid_url', 1, 'url']])
    expect(report.errors[0]?.message).toContain('/v1/chat/completions, /v1/embeddings')
    expect(report.facts.endpoint).toBe('/v1/chat/completions')
  })

  it('rejects a url that differs from the first line', async () => {
    const report = await validate(lines(chatRequest('a'), request('/v1/embeddings', 'b', { model: 'gpt-4o-mini', input: 'x' }), chatRequest('c')))
    expect(where(report)).toEqual([['invalid_url', 2, 'url']])
    expect(report.errors[0]?.message).toMatch(/^The URL provided for this request does not match the batch endpoint/)
    expect(report.errors[0]?.message).toContain('line 1')
  })

  it('checks every url against the endpoint chosen for the batch', async () => {
    const report = await validate(lines(chatRequest('a'), chatRequest('b')), { endpoint: '/v1/responses' })
    expect(where(report)).toEqual([
      ['invalid_url', 1, 'url'],
      ['invalid_url', 2, 'url'],
    ])
    expect(report.facts.endpoint).toBe('/v1/responses')
  })

  it('rejects streaming requests in the words OpenAI uses', async () => {
    const report = await validate(lines(chatRequest('a', {}, { stream: false }), chatRequest('b', {}, { stream: true })))
    expect(where(report)).toEqual([['streaming_unsupported', 2, 'body.stream']])
    expect(report.errors[0]?.message).toMatch(/^Chat Completions: Streaming is not supported in the Batch API\./)
  })

  it('reports a duplicate custom_id and where it was first used', async () => {
    const report = await validate(lines(chatRequest('a'), chatRequest('b'), chatRequest('a'), chatRequest('a')))
    expect(where(report)).toEqual([
      ['duplicate_custom_id', 3, 'custom_id'],
      ['duplicate_custom_id', 4, 'custom_id'],
    ])
    expect(report.errors[0]?.message).toContain("The custom_id 'a' for this request is a duplicate of another request (line 1)")
  })

  it('reports a model that differs from the first one', async () => {
    const report = await validate(lines(chatRequest('a'), chatRequest('b', {}, { model: 'gpt-4o' }), chatRequest('c')))
    expect(where(report)).toEqual([['mismatched_model', 2, 'body.model']])
    expect(report.errors[0]?.message).toContain("The model 'gpt-4o' for this request does not match the rest of the batch ('gpt-4o-mini'")
    expect(report.facts.model).toBe('gpt-4o-mini')
  })

  it('shortens huge user values in messages', async () => {
    const id = 'x'.repeat(10_000)
    const report = await validate(lines(chatRequest(id), chatRequest(id)))
    expect(report.errors[0]?.code).toBe('duplicate_custom_id')
    expect(report.errors[0]?.message.length).toBeLessThan(400)
  })

  it('gives every code a message that says what to do', async () => {
    const report = await validate(
      lines('{oops', '{}', chatRequest('a', { method: 'GET', url: '/v1/nope' }, { stream: true }), chatRequest('a', {}, { model: 'other' })),
      { maxRequests: 1, maxBytes: 200 },
    )
    const seen = new Set(report.errors.map((error) => error.code))
    expect(seen.size).toBeGreaterThanOrEqual(8)
    for (const error of report.errors) {
      expect(error.message).toMatch(/\b(Add|Use|Remove|Save|Split|Put|Wrap|Send|give|check|set|use)\b/)
    }
  })
})

describe('file errors', () => {
  it.each([
    ['nothing', ''],
    ['only newlines', '\n\r\n\n'],
    ['only a byte order mark', '\uFEFF'],
  ])('reports an empty file holding %s', async (_, content) => {
    const report = await validate(content)
    expect(where(report)).toEqual([['empty_file', null, null]])
    expect(report.facts.requestCount).toBe(0)
  })

  it('limits the number of requests, counting malformed lines too', async () => {
    const three = lines(chatRequest('a'), '{broken', chatRequest('c'))
    expect((await validate(three, { maxRequests: 3 })).errorCounts.too_many_requests).toBe(0)
    const report = await validate(three, { maxRequests: 2 })
    expect(report.errors[0]).toMatchObject({ code: 'too_many_requests', line: null, param: null })
    expect(report.errors[0]?.message).toContain('3 requests')
    expect(report.errors[0]?.message).toContain('Split it')
  })

  it('counts one batch’s limits apart from the errors that stop any run (a job runs a file over them)', async () => {
    const overOnly = await validate(lines(chatRequest('a'), chatRequest('b'), chatRequest('c')), { maxRequests: 2, maxBytes: 100 })
    expect(overOnly.ok).toBe(false)
    expect(where(overOnly)).toEqual([
      ['too_many_requests', null, null],
      ['file_too_large', null, null],
    ])
    expect(overOnly.blockingErrorCount).toBe(0)
    const broken = await validate(lines(chatRequest('a'), '{broken', chatRequest('c')), { maxRequests: 2 })
    expect(broken.errorCount).toBe(2)
    expect(broken.blockingErrorCount).toBe(1)
  })

  it('finds a duplicate custom_id past maxRequests, where a job would match its result to the wrong line', async () => {
    const report = await validate(lines(chatRequest('a'), chatRequest('b'), chatRequest('c'), chatRequest('d'), chatRequest('d')), { maxRequests: 2 })
    expect(where(report)).toContainEqual(['duplicate_custom_id', 5, 'custom_id'])
    expect(report.blockingErrorCount).toBe(1)
  })

  it('limits the file size in bytes, byte order mark included', async () => {
    const content = '\uFEFF' + lines(chatRequest('a'), chatRequest('b'))
    const size = encoder.encode(content).length
    expect((await validate(content, { maxBytes: size })).ok).toBe(true)
    const report = await validate(content, { maxBytes: size - 1 })
    expect(where(report)).toEqual([['file_too_large', null, null]])
  })

  it('survives a single line longer than the size limit without keeping it', async () => {
    const huge = chatRequest('a', {}, { messages: [{ role: 'user', content: 'x'.repeat(5_000) }] })
    const report = await validate(lines(chatRequest('first'), huge, chatRequest('last')), { maxBytes: 1_000 }, 100)
    expect(where(report)).toEqual([['file_too_large', null, null]])
    expect(report.facts.requestCount).toBe(3)
    expect(report.facts.lines).toBe(3)
  })

  it('counts embedding inputs across requests and limits them', async () => {
    const content = lines(
      request('/v1/embeddings', 'a', { model: 'text-embedding-3-small', input: 'one' }),
      request('/v1/embeddings', 'b', { model: 'text-embedding-3-small', input: ['two', 'three'] }),
      request('/v1/embeddings', 'c', { model: 'text-embedding-3-small', input: [[1, 2], [3]] }),
      request('/v1/embeddings', 'd', { model: 'text-embedding-3-small', input: [4, 5, 6] }),
    )
    const within = await validate(content, { maxEmbeddingInputs: 6 })
    expect(within.ok).toBe(true)
    expect(within.facts.embeddingInputCount).toBe(6)
    const over = await validate(content, { maxEmbeddingInputs: 5 })
    expect(where(over)).toEqual([['too_many_embedding_inputs', null, null]])
    expect(over.errors[0]?.message).toContain('6 embedding inputs')
  })

  it('uses OpenAI limits by default', () => {
    expect(DEFAULT_MAX_REQUESTS).toBe(50_000)
    expect(DEFAULT_MAX_BYTES).toBe(200 * 1024 * 1024)
    expect(DEFAULT_MAX_ERRORS).toBe(1_000)
  })

  it('accepts 50,000 requests and rejects 50,001 with the default limit', async () => {
    const row = chatRequest('x')
    const make = (count: number) => {
      const parts: string[] = []
      for (let i = 0; i < count; i++) parts.push(row.replace('"x"', `"r${i}"`))
      return parts.join('\n')
    }
    expect((await validate(make(50_000))).ok).toBe(true)
    const over = await validate(make(50_001))
    expect(where(over)).toEqual([['too_many_requests', null, null]])
  })
})

describe('error cap', () => {
  it('keeps the first 1,000 errors in full and counts them all', async () => {
    const content = Array.from({ length: 1_500 }, () => '{bad').join('\n')
    const report = await validate(content)
    expect(report.errors).toHaveLength(1_000)
    expect(report.errors[0]?.line).toBe(1)
    expect(report.errors[999]?.line).toBe(1_000)
    expect(report.errorCount).toBe(1_500)
    expect(report.errorCounts.invalid_json_line).toBe(1_500)
    expect(report.truncatedErrors).toBe(true)
  })

  it('lists file errors first so the cap never hides them', async () => {
    const content = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? '{bad' : chatRequest('same'))).join('\n')
    const report = await validate(content, { maxErrors: 5, maxRequests: 10 })
    expect(report.errors).toHaveLength(5)
    expect(report.errors[0]?.code).toBe('too_many_requests')
    expect(report.errors.slice(1).map((error) => error.line)).toEqual([1, 3, 4, 5])
    expect(report.errorCounts).toMatchObject({ too_many_requests: 1, invalid_json_line: 15, duplicate_custom_id: 14 })
    expect(report.errorCount).toBe(30)
    expect(report.truncatedErrors).toBe(true)
  })

  it('counts every code, with zero for the ones that did not occur', async () => {
    const report = await validate(lines(chatRequest('a')))
    expect(Object.keys(report.errorCounts).sort()).toEqual([...BATCH_FILE_ERROR_CODES].sort())
    expect(Object.values(report.errorCounts).every((count) => count === 0)).toBe(true)
    expect(report.truncatedErrors).toBe(false)
  })
})

describe('settings', () => {
  it('accepts endpoints added to the supported list', async () => {
    const content = lines(request('/v1/rerank', 'a', { model: 'bge-reranker', query: 'q', documents: ['d'] }), chatRequest('b', {}, { model: 'bge-reranker' }))
    const report = await validate(content, { supportedEndpoints: ['/v1/rerank'] })
    expect(where(report)).toEqual([['invalid_url', 2, 'url']])
    expect(report.errors[0]?.message).toContain('Use one of: /v1/rerank.')
    expect(report.facts.endpoint).toBe('/v1/rerank')
  })

  it('tells a line using an endpoint with a note why it is not run, instead of listing the others', async () => {
    const note = 'Video generation is not run here; use an OpenAI connection.'
    const report = await validate(lines(request('/v1/videos', 'a', { model: 'sora-2', prompt: 'A wave' })), {
      supportedEndpoints: ['/v1/chat/completions'],
      endpointNotes: new Map([['/v1/videos', note]]),
    })
    expect(report.errors).toEqual([{ code: 'invalid_url', line: 1, param: 'url', message: note }])
  })
})

describe('image endpoints', () => {
  const generation = (customId: string, body: { [key: string]: Json }) => request('/v1/images/generations', customId, { model: 'gpt-image-1', ...body })
  const edit = (customId: string, body: { [key: string]: Json }) =>
    request('/v1/images/edits', customId, { model: 'gpt-image-1', prompt: 'Make it blue', ...body })

  it('accepts generation and JSON edit bodies, with images by URL, data URL or file id', async () => {
    expect(where(await validate(lines(generation('a', { prompt: 'A cat', n: 2, size: '1024x1024' }), generation('b', { prompt: 'A dog' }))))).toEqual([])
    const edits = lines(
      edit('a', { images: [{ image_url: 'https://example.com/a.png' }, { file_id: 'file-abc' }] }),
      edit('b', { images: [{ image_url: 'data:image/png;base64,iVBORw0KGgo=' }] }),
      edit('c', { image: 'https://example.com/c.png' }),
      edit('d', { image: ['https://example.com/d.png', 'data:image/png;base64,AAAA'] }),
    )
    expect(where(await validate(edits))).toEqual([])
  })

  it('requires a prompt, as a string', async () => {
    const report = await validate(lines(generation('a', {}), generation('b', { prompt: ['A', 'cat'] })))
    expect(where(report)).toEqual([
      ['invalid_request', 1, 'body.prompt'],
      ['invalid_request', 2, 'body.prompt'],
    ])
    expect(report.errors[0]?.message).toMatch(/^Prompt parameter is required\./)
    expect(report.errors[1]?.message).toContain('expected a string, but got an array')
    expect(where(await validate(lines(edit('c', { prompt: null, images: [{ file_id: 'f' }] }))))).toEqual([['invalid_request', 1, 'body.prompt']])
  })

  it('requires an edit to name its image(s), and says which reference is wrong', async () => {
    const report = await validate(
      lines(
        edit('a', {}),
        edit('b', { images: [] }),
        edit('c', { images: [{ image_url: 'https://example.com/a.png' }, 'https://example.com/b.png'] }),
        edit('d', { image: 42 }),
      ),
    )
    expect(where(report)).toEqual([
      ['invalid_request', 1, 'body.images'],
      ['invalid_request', 2, 'body.images'],
      ['invalid_request', 3, 'body.images[1]'],
      ['invalid_request', 4, 'body.image'],
    ])
    expect(report.errors[0]?.message).toContain('"images": [{"image_url"')
  })
})

describe('facts', () => {
  it('counts image inputs in chat, Responses and moderations content', async () => {
    const chat = await validate(
      chatRequest(
        'a',
        {},
        {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Compare these' },
                { type: 'image_url', image_url: { url: 'https://example.com/1.png' } },
                { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
              ],
            },
          ],
        },
      ),
    )
    expect(chat.facts.imageInputCount).toBe(2)
    const responses = await validate(
      request('/v1/responses', 'a', {
        model: 'gpt-4.1',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: 'https://example.com/a.png' },
            ],
          },
        ],
      }),
    )
    expect(responses.facts.imageInputCount).toBe(1)
    const moderations = await validate(
      request('/v1/moderations', 'a', {
        input: [
          { type: 'text', text: 'hi' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      }),
    )
    expect(moderations.facts.imageInputCount).toBe(1)
  })

  it('spreads the output caps of generation requests', async () => {
    const report = await validate(
      lines(
        chatRequest('a', {}, { max_tokens: 300 }),
        chatRequest('b', {}, { max_completion_tokens: 50 }),
        chatRequest('c'),
        chatRequest('d', {}, { max_tokens: 1_000 }),
        chatRequest('e'),
      ),
    )
    expect(report.facts.maxTokens).toEqual({ min: 50, max: 1_000, missing: 2, total: 1_350 })
  })

  it('reads max_output_tokens for Responses and ignores endpoints without output', async () => {
    const responses = await validate(request('/v1/responses', 'a', { model: 'gpt-4.1', input: 'hi', max_output_tokens: 64 }))
    expect(responses.facts.maxTokens).toEqual({ min: 64, max: 64, missing: 0, total: 64 })
    const embeddings = await validate(request('/v1/embeddings', 'a', { model: 'text-embedding-3-small', input: 'hi' }))
    expect(embeddings.facts.maxTokens).toEqual({ min: null, max: null, missing: 0, total: 0 })
  })

  it('reports progress as bytes and lines go by', async () => {
    const content = encoder.encode(lines(chatRequest('a'), chatRequest('b'), chatRequest('c')))
    const seen: { bytes: number; lines: number }[] = []
    await validate(content, { onProgress: (progress) => seen.push(progress) }, 50)
    expect(seen.length).toBe(Math.ceil(content.length / 50))
    expect(seen.at(-1)).toEqual({ bytes: content.length, lines: 3 })
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytes).toBeGreaterThan(seen[i - 1]!.bytes)
  })
})

describe('sources and control', () => {
  it('reads a ReadableStream', async () => {
    const content = encoder.encode(lines(chatRequest('a'), chatRequest('a')))
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(content.slice(0, 30))
        controller.enqueue(content.slice(30))
        controller.close()
      },
    })
    const report = await validateBatchFile(stream)
    expect(where(report)).toEqual([['duplicate_custom_id', 2, 'custom_id']])
  })

  it('can be fed chunk by chunk, without awaiting each push', async () => {
    const content = encoder.encode(lines(chatRequest('a'), '{bad', chatRequest('c')))
    const validator = createBatchFileValidator()
    for (let i = 0; i < content.length; i += 9) void validator.push(content.slice(i, i + 9))
    const report = await validator.finish()
    expect(where(report)).toEqual([['invalid_json_line', 2, null]])
    expect(report.facts.requestCount).toBe(3)
    await expect(validator.push(new Uint8Array([10]))).rejects.toThrow('after finish')
  })

  it('stops when aborted before it starts', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(validate(chatRequest('a'), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('stops a stream that is waiting for data when aborted, and cancels it', async () => {
    const controller = new AbortController()
    let cancelled = false
    let pulls = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(streamController) {
        pulls++
        if (pulls === 1) streamController.enqueue(encoder.encode(chatRequest('a') + '\n'))
        // then never answers again, like a stalled upload
        return new Promise(() => {})
      },
      cancel() {
        cancelled = true
      },
    })
    const progress: number[] = []
    const running = validateBatchFile(stream, {
      signal: controller.signal,
      onProgress: ({ lines }) => {
        progress.push(lines)
        controller.abort()
      },
    })
    await expect(running).rejects.toMatchObject({ name: 'AbortError' })
    expect(progress).toEqual([1])
    expect(cancelled).toBe(true)
  })

  it('reports a failed push from finish() when pushes are not awaited', async () => {
    const controller = new AbortController()
    const validator = createBatchFileValidator({ signal: controller.signal })
    controller.abort()
    void validator.push(encoder.encode(chatRequest('a')))
    // a worker may call finish() only when the upload ends, long after the failed push
    await new Promise((resolve) => setTimeout(resolve, 20))
    await expect(validator.finish()).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('rejects pushes once its signal is aborted', async () => {
    const controller = new AbortController()
    const validator = createBatchFileValidator({ signal: controller.signal })
    await validator.push(encoder.encode(chatRequest('a') + '\n'))
    controller.abort()
    await expect(validator.push(encoder.encode(chatRequest('b')))).rejects.toMatchObject({ name: 'AbortError' })
  })
})
