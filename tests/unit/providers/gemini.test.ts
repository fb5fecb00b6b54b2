import { JobState, type BatchJob } from '@google/genai'
import { describe, expect, it } from 'vitest'
import { translateGeminiLine } from '@/lib/providers/gemini/translate'
import { convertGeminiResult } from '@/lib/server/providers/gemini/results'
import { mapGeminiBatch } from '@/lib/server/providers/gemini/status'

const MODEL = 'gemini-2.5-flash'
const chat = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  custom_id: 'r-1',
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...body },
  ...extra,
})

describe('translateGeminiLine', () => {
  it('translates a conversation: system instruction, user/model turns, inline images, tool calls and results, generation config', () => {
    const line = chat({
      max_completion_tokens: 200,
      temperature: 1.5,
      top_p: 0.9,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      seed: 7,
      stop: ['END'],
      response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklG' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Cats are mammals.' },
        { role: 'user', content: 'Thanks' },
      ],
    })
    expect(translateGeminiLine(line, 1)).toEqual({
      ok: true,
      request: {
        kind: 'generate',
        model: `models/${MODEL}`,
        line: {
          key: 'r-1',
          request: {
            systemInstruction: { parts: [{ text: 'Be brief.' }] },
            contents: [
              { role: 'user', parts: [{ text: 'Look' }, { inlineData: { mimeType: 'image/webp', data: 'UklG' } }] },
              { role: 'model', parts: [{ text: 'Let me check.' }, { functionCall: { name: 'lookup', args: { q: 'cats' } } }] },
              { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { result: 'Cats are mammals.' } } }, { text: 'Thanks' }] },
            ],
            generationConfig: {
              maxOutputTokens: 200,
              temperature: 1.5,
              topP: 0.9,
              presencePenalty: 0.1,
              frequencyPenalty: 0.2,
              seed: 7,
              stopSequences: ['END'],
              responseMimeType: 'application/json',
              responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } },
            },
            tools: [
              {
                functionDeclarations: [
                  { name: 'lookup', description: 'Look up', parametersJsonSchema: { type: 'object', properties: { q: { type: 'string' } } } },
                ],
              },
            ],
            toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } },
          },
        },
      },
    })
  })

  it.each([
    ['none', 'NONE'],
    ['auto', 'AUTO'],
    ['required', 'ANY'],
  ])('maps tool_choice %s to mode %s', (choice, mode) => {
    const result = translateGeminiLine(chat({ tool_choice: choice }), 1)
    expect(result.ok && result.request.line.request).toMatchObject({ toolConfig: { functionCallingConfig: { mode } } })
  })

  it('asks for JSON for a json_object response_format', () => {
    const result = translateGeminiLine(chat({ response_format: { type: 'json_object' } }), 1)
    expect(result.ok && result.request.line.request).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } })
  })

  it('translates an embeddings line to an embedContent request', () => {
    const line = { custom_id: 'e-1', method: 'POST', url: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: ['Hello'], dimensions: 256 } }
    expect(translateGeminiLine(line, 1)).toEqual({
      ok: true,
      request: {
        kind: 'embed',
        model: 'models/gemini-embedding-001',
        line: { key: 'e-1', request: { content: { parts: [{ text: 'Hello' }] }, outputDimensionality: 256 } },
      },
    })
  })

  it('passes a line already in Gemini format through as it is', () => {
    const native = {
      key: 'k-1',
      request: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
    }
    expect(translateGeminiLine(native, 1)).toEqual({ ok: true, request: { kind: 'generate', model: null, line: native } })
  })

  const embedding = (body: Record<string, unknown>) => ({
    custom_id: 'e',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'gemini-embedding-001', ...body },
  })

  it.each<[string, unknown, string, string]>([
    ['n > 1', chat({ n: 3 }), 'body.n', 'Gemini returns one answer per request: remove "n" and repeat the line with new custom_ids instead.'],
    ['logprobs', chat({ logprobs: true }), 'body.logprobs', 'Gemini does not return log probabilities: remove "logprobs".'],
    ['logit_bias', chat({ logit_bias: { '1': 1 } }), 'body.logit_bias', 'Gemini has no logit bias: remove "logit_bias".'],
    ['streaming', chat({ stream: true }), 'body.stream', 'Streaming is not supported in a batch: remove "stream".'],
    [
      'a linked image',
      chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/cat.png' } }] }] }),
      'body.messages[0].content[0].image_url.url',
      'Gemini batch requests take images inline: give this image as a data:image/...;base64 URL.',
    ],
    [
      'audio input',
      chat({ messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] }),
      'body.messages[0].content[0].type',
      'Content parts of type "input_audio" do not translate to Gemini: use text and image_url parts.',
    ],
    [
      'a tool result for an unknown call',
      chat({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'tool', tool_call_id: 'nope', content: 'x' },
        ],
      }),
      'body.messages[1].tool_call_id',
      '"tool_call_id" must name a tool call made earlier in this conversation.',
    ],
    [
      'a text response_format of another kind',
      chat({ response_format: { type: 'grammar' } }),
      'body.response_format',
      '"response_format" must be text, json_object or json_schema with a schema.',
    ],
    [
      'a non-function tool',
      chat({ tools: [{ type: 'file_search' }] }),
      'body.tools[0]',
      'Only function tools translate to Gemini: {"type": "function", "function": {"name", "parameters"}}.',
    ],
    [
      'another endpoint',
      chat({}, { url: '/v1/moderations' }),
      'url',
      'Gemini Batch Mode runs chat completions and embeddings: this line\'s url is "/v1/moderations". Send it to an OpenAI-compatible connection instead.',
    ],
    [
      'several embedding inputs',
      embedding({ input: ['a', 'b'] }),
      'body.input',
      'Gemini\'s batch embeddings take one text per request: make "input" a single string (split a list into separate lines).',
    ],
    [
      'token-array embedding input',
      embedding({ input: [1, 2, 3] }),
      'body.input',
      'Gemini\'s batch embeddings take one text per request: make "input" a single string (split a list into separate lines).',
    ],
    [
      'base64 embeddings',
      embedding({ input: 'a', encoding_format: 'base64' }),
      'body.encoding_format',
      'Gemini returns float embeddings only: remove "encoding_format" or set it to "float".',
    ],
    ['no model', chat({ model: undefined }), 'body.model', 'Add "model": a Gemini model such as "gemini-2.5-flash".'],
  ])('refuses %s with what to change', (_name, line, param, message) => {
    expect(translateGeminiLine(line, 3)).toEqual({ ok: false, error: { line: 3, param, message } })
  })
})

describe('convertGeminiResult', () => {
  const context = { model: MODEL, created: 1_700_000_000 }

  it('turns a response into a chat.completion line: text without thoughts, finish_reason, usage with thoughts as reasoning', () => {
    const converted = convertGeminiResult(
      {
        key: 'r-1',
        response: {
          candidates: [
            {
              content: {
                role: 'model',
                parts: [{ text: 'Thinking…', thought: true }, { text: 'Hello' }],
              },
              finishReason: 'MAX_TOKENS',
            },
          ],
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3, thoughtsTokenCount: 5, cachedContentTokenCount: 4, totalTokenCount: 18 },
          modelVersion: 'gemini-2.5-flash-001',
          responseId: 'abc',
        },
      },
      context,
    )!
    expect(converted.file).toBe('output')
    expect(JSON.parse(converted.line).response.body).toEqual({
      id: 'abc',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-2.5-flash-001',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, logprobs: null, finish_reason: 'length' }],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 8,
        total_tokens: 18,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 5 },
      },
    })
  })

  it.each([
    ['STOP', 'stop'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['OTHER', 'stop'],
  ])('maps finishReason %s to %s', (finishReason, expected) => {
    const converted = convertGeminiResult({ key: 'k', response: { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason }] } }, context)!
    expect(JSON.parse(converted.line).response.body.choices[0].finish_reason).toBe(expected)
  })

  it('reports a blocked prompt as content_filter with no content', () => {
    const converted = convertGeminiResult({ key: 'k', response: { promptFeedback: { blockReason: 'SAFETY' } } }, context)!
    expect(JSON.parse(converted.line).response.body.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } })
  })

  it('puts an error in the error file with its code, status and message', () => {
    const converted = convertGeminiResult({ key: 'r-2', error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } }, context)!
    expect(converted.file).toBe('error')
    expect(JSON.parse(converted.line)).toMatchObject({
      custom_id: 'r-2',
      response: { status_code: 429, body: { error: { message: 'Quota exceeded.', type: 'RESOURCE_EXHAUSTED', param: null, code: null } } },
      error: null,
    })
  })

  it('refuses what is not a result', () => {
    expect(convertGeminiResult({ response: {} }, context)).toBeNull()
    expect(convertGeminiResult({ key: 'k' }, context)).toBeNull()
  })
})

describe('mapGeminiBatch', () => {
  const job = (state: JobState, extra: Partial<BatchJob> = {}): BatchJob => ({
    name: 'batches/abc',
    model: `models/${MODEL}`,
    createTime: '2026-12-05T08:00:00Z',
    ...(state === JobState.JOB_STATE_PENDING || state === JobState.JOB_STATE_RUNNING ? {} : { endTime: '2026-12-05T09:00:00Z' }),
    ...extra,
    state,
  })
  const created = Date.parse('2026-12-05T08:00:00Z') / 1000

  it.each<[JobState, string, Record<string, number>]>([
    [JobState.JOB_STATE_PENDING, 'validating', {}],
    [JobState.JOB_STATE_RUNNING, 'in_progress', { in_progress_at: created }],
    [JobState.JOB_STATE_SUCCEEDED, 'completed', { completed_at: created + 3600 }],
    [JobState.JOB_STATE_FAILED, 'failed', { failed_at: created + 3600 }],
    [JobState.JOB_STATE_CANCELLING, 'cancelling', {}],
    [JobState.JOB_STATE_CANCELLED, 'cancelled', { cancelled_at: created + 3600 }],
    [JobState.JOB_STATE_EXPIRED, 'expired', { expired_at: created + 3600 }],
  ])('maps %s to %s', (state, status, times) => {
    const mapped = mapGeminiBatch(job(state), { inputFileId: 'file-1', total: 12 })
    expect(mapped).toMatchObject({
      providerStatus: state,
      batch: { id: 'batches/abc', status, model: MODEL, created_at: created, request_counts: { total: 12 }, ...times },
    })
  })

  it("keeps a failed job's reason", () => {
    const mapped = mapGeminiBatch(job(JobState.JOB_STATE_FAILED, { error: { message: 'Input file is not valid JSONL.' } }), { inputFileId: 'f' })
    expect(mapped.batch.errors?.data).toEqual([{ code: 'provider_failed', message: 'Input file is not valid JSONL.', line: null, param: null }])
  })
})
