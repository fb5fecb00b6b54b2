import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages'
import { describe, expect, it } from 'vitest'
import { translateAnthropicLine } from '@/lib/providers/anthropic/translate'
import { convertAnthropicResult } from '@/lib/server/providers/anthropic/results'
import { mapAnthropicBatch } from '@/lib/server/providers/anthropic/status'

const MODEL = 'claude-haiku-4-5'
const chat = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  custom_id: 'r-1',
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: MODEL, max_completion_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...body },
  ...extra,
})

describe('translateAnthropicLine', () => {
  it('translates a conversation: system prompts, text and image parts, tool calls and their results', () => {
    const line = chat({
      max_tokens: 50,
      max_completion_tokens: undefined,
      stop: 'END',
      user: 'user-7',
      parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at these' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Cats are mammals.' },
        { role: 'user', content: 'Thanks' },
      ],
    })
    expect(translateAnthropicLine(line, 1)).toEqual({
      ok: true,
      request: {
        custom_id: 'r-1',
        params: {
          model: MODEL,
          max_tokens: 50,
          system: [
            { type: 'text', text: 'Be brief.' },
            { type: 'text', text: 'Answer in English.' },
          ],
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Look at these' },
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
                { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
              ],
            },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'cats' } }] },
            {
              role: 'user',
              content: [
                { type: 'tool_result', tool_use_id: 'call_1', content: 'Cats are mammals.' },
                { type: 'text', text: 'Thanks' },
              ],
            },
          ],
          stop_sequences: ['END'],
          metadata: { user_id: 'user-7' },
          tools: [{ name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
          tool_choice: { type: 'tool', name: 'lookup', disable_parallel_tool_use: true },
          output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
        },
      },
    })
  })

  it.each([
    ['none', { type: 'none' }],
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
  ])('maps tool_choice %s', (choice, expected) => {
    const result = translateAnthropicLine(chat({ tool_choice: choice }), 1)
    expect(result.ok && result.request.params.tool_choice).toEqual(expected)
  })

  it("uses the connection's default max tokens for a line without one, and refuses the line when there is none", () => {
    const line = chat({ max_completion_tokens: undefined })
    const withDefault = translateAnthropicLine(line, 4, { defaultMaxTokens: 1024 })
    expect(withDefault.ok && withDefault.request.params.max_tokens).toBe(1024)
    expect(translateAnthropicLine(line, 4)).toEqual({
      ok: false,
      error: {
        line: 4,
        param: 'body.max_completion_tokens',
        message: 'Anthropic requires a maximum output length: set "max_completion_tokens" on this line, or a default max tokens on the connection.',
      },
    })
  })

  it('passes a line already in Anthropic format through as it is', () => {
    const native = { custom_id: 'n-1', params: { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], thinking: { type: 'adaptive' } } }
    expect(translateAnthropicLine(native, 1)).toEqual({ ok: true, request: native })
    expect(translateAnthropicLine({ custom_id: 'n-1', params: { model: MODEL, messages: [] } }, 2)).toMatchObject({
      ok: false,
      error: { line: 2, param: 'params.max_tokens' },
    })
  })

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string, string]>([
    ['n > 1', { n: 2 }, {}, 'body.n', 'Anthropic returns one answer per request: remove "n" and repeat the line with new custom_ids instead.'],
    ['logprobs', { logprobs: true }, {}, 'body.logprobs', 'Anthropic does not return log probabilities: remove "logprobs".'],
    ['top_logprobs', { top_logprobs: 3 }, {}, 'body.top_logprobs', 'Anthropic does not return log probabilities: remove "top_logprobs".'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, {}, 'body.logit_bias', 'Anthropic has no logit bias: remove "logit_bias".'],
    [
      'audio output',
      { modalities: ['text', 'audio'] },
      {},
      'body.modalities',
      'Anthropic answers in text only here: remove "audio" and non-text "modalities".',
    ],
    ['predicted output', { prediction: { type: 'content', content: 'x' } }, {}, 'body.prediction', 'Anthropic has no predicted outputs: remove "prediction".'],
    ['streaming', { stream: true }, {}, 'body.stream', 'Streaming is not supported in a batch: remove "stream".'],
    ['frequency_penalty', { frequency_penalty: 0.5 }, {}, 'body.frequency_penalty', 'Anthropic has no frequency penalty: remove "frequency_penalty".'],
    ['presence_penalty', { presence_penalty: 0.5 }, {}, 'body.presence_penalty', 'Anthropic has no presence penalty: remove "presence_penalty".'],
    ['seed', { seed: 7 }, {}, 'body.seed', 'Anthropic has no seed: remove "seed".'],
    [
      'temperature',
      { temperature: 0.2 },
      {},
      'body.temperature',
      'Anthropic\'s current API takes no sampling parameters: remove "temperature" (Claude models set their own).',
    ],
    ['top_p', { top_p: 0.9 }, {}, 'body.top_p', 'Anthropic\'s current API takes no sampling parameters: remove "top_p" (Claude models set their own).'],
    [
      'reasoning_effort',
      { reasoning_effort: 'high' },
      {},
      'body.reasoning_effort',
      'reasoning_effort does not translate to Anthropic: remove it (or write the line in Anthropic\'s format with "thinking").',
    ],
    [
      'json_object',
      { response_format: { type: 'json_object' } },
      {},
      'body.response_format',
      'Anthropic needs a schema for JSON output: use "response_format": {"type": "json_schema", "json_schema": {"schema": …}}.',
    ],
    [
      'another endpoint',
      {},
      { url: '/v1/embeddings' },
      'url',
      'Anthropic Message Batches run chat completions only: this line\'s url is "/v1/embeddings". Send it to an OpenAI-compatible connection instead.',
    ],
    [
      'a custom_id Anthropic refuses',
      {},
      { custom_id: 'row 7: cats' },
      'custom_id',
      'Anthropic accepts custom_ids of 1 to 64 letters, digits, "_" or "-": change "row 7: cats".',
    ],
    ['no model', { model: undefined }, {}, 'body.model', 'Add "model": an Anthropic model such as "claude-sonnet-4-5".'],
    [
      'audio input',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] },
      {},
      'body.messages[0].content[0].type',
      'Content parts of type "input_audio" do not translate to Anthropic: use text and image_url parts.',
    ],
    [
      'an image type Anthropic lacks',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AA' } }] }] },
      {},
      'body.messages[0].content[0].image_url.url',
      'Anthropic takes JPEG, PNG, GIF and WebP images; this one is image/tiff.',
    ],
    [
      'an image system prompt',
      {
        messages: [
          { role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          { role: 'user', content: 'Hi' },
        ],
      },
      {},
      'body.messages[0].content',
      "Anthropic takes text-only system prompts: make this message's content a string or text parts.",
    ],
    [
      'an unknown role',
      { messages: [{ role: 'function', content: 'x' }] },
      {},
      'body.messages[0].role',
      'Anthropic takes "system", "user", "assistant" and "tool" messages; "function" does not translate.',
    ],
    [
      'tool arguments that are not JSON',
      { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] },
      {},
      'body.messages[0].tool_calls[0].function.arguments',
      'Anthropic needs tool call arguments as a JSON object: this "arguments" string is not valid JSON.',
    ],
    [
      'a non-function tool',
      { tools: [{ type: 'web_search' }] },
      {},
      'body.tools[0]',
      'Only function tools translate to Anthropic: {"type": "function", "function": {"name", "parameters"}}.',
    ],
    [
      'only a system prompt',
      { messages: [{ role: 'system', content: 'Be brief.' }] },
      {},
      'body.messages',
      'Anthropic needs at least one user message besides the system prompt.',
    ],
  ])('refuses %s with what to change', (_name, body, extra, param, message) => {
    expect(translateAnthropicLine(chat(body, extra), 9)).toEqual({ ok: false, error: { line: 9, param, message } })
  })

  it('lets OpenAI defaults that change nothing pass (n: 1, logprobs: false, zero penalties)', () => {
    expect(translateAnthropicLine(chat({ n: 1, logprobs: false, frequency_penalty: 0, presence_penalty: 0, stream: false }), 1).ok).toBe(true)
  })
})

describe('convertAnthropicResult', () => {
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: MODEL,
    content: [
      { type: 'thinking', thinking: 'hmm', signature: 's' },
      { type: 'text', text: 'Hello' },
    ],
    stop_reason: 'max_tokens',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens_details: { thinking_tokens: 2 } },
  }

  it('turns a success into a chat.completion line with finish_reason and usage (cache reads counted as cached prompt tokens)', () => {
    const converted = convertAnthropicResult({ custom_id: 'r-1', result: { type: 'succeeded', message } }, 1_700_000_000)!
    expect(converted.file).toBe('output')
    const line = JSON.parse(converted.line)
    expect(line).toMatchObject({ custom_id: 'r-1', response: { status_code: 200 }, error: null })
    expect(line.response.body).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, logprobs: null, finish_reason: 'length' }],
      usage: {
        prompt_tokens: 130,
        completion_tokens: 4,
        total_tokens: 134,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 2 },
        cache_creation_input_tokens: 20,
        cache_read_input_tokens: 100,
      },
    })
  })

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['model_context_window_exceeded', 'length'],
  ])('maps stop_reason %s to finish_reason %s', (stopReason, finishReason) => {
    const converted = convertAnthropicResult({ custom_id: 'r', result: { type: 'succeeded', message: { ...message, stop_reason: stopReason } } }, 0)!
    expect(JSON.parse(converted.line).response.body.choices[0].finish_reason).toBe(finishReason)
  })

  it.each([
    ['invalid_request_error', 400],
    ['overloaded_error', 529],
    ['api_error', 500],
  ])('puts an errored request (%s) in the error file with its status and message', (type, status) => {
    const converted = convertAnthropicResult(
      { custom_id: 'r-2', result: { type: 'errored', error: { type: 'error', error: { type, message: 'Nope.' }, request_id: 'req_abc' } } },
      0,
    )!
    expect(converted.file).toBe('error')
    expect(JSON.parse(converted.line)).toMatchObject({
      custom_id: 'r-2',
      response: { status_code: status, request_id: 'req_abc', body: { error: { message: 'Nope.', type, param: null, code: null } } },
      error: null,
    })
  })

  it('puts canceled and expired requests in the error file as never run', () => {
    expect(JSON.parse(convertAnthropicResult({ custom_id: 'c', result: { type: 'canceled' } }, 0)!.line)).toMatchObject({
      response: null,
      error: { code: 'batch_cancelled' },
    })
    expect(JSON.parse(convertAnthropicResult({ custom_id: 'e', result: { type: 'expired' } }, 0)!.line)).toMatchObject({
      response: null,
      error: { code: 'batch_expired' },
    })
  })

  it('refuses what is not a result', () => {
    expect(convertAnthropicResult({ id: 'x' }, 0)).toBeNull()
    expect(convertAnthropicResult({ custom_id: 'x', result: { type: 'mystery' } }, 0)).toBeNull()
  })
})

describe('mapAnthropicBatch', () => {
  const base: MessageBatch = {
    id: 'msgbatch_1',
    type: 'message_batch',
    created_at: '2026-12-05T08:00:00Z',
    expires_at: '2026-12-06T08:00:00Z',
    archived_at: null,
    cancel_initiated_at: null,
    ended_at: null,
    results_url: null,
    processing_status: 'in_progress',
    request_counts: { processing: 5, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
  }
  const created = Date.parse('2026-12-05T08:00:00Z') / 1000
  const ended = { processing_status: 'ended', ended_at: '2026-12-05T09:00:00Z', results_url: 'https://x/results' } as const
  const counts = (succeeded: number, errored: number, canceled: number, expired: number) => ({ processing: 0, succeeded, errored, canceled, expired })

  it.each<[string, Partial<MessageBatch>, string, Record<string, number>]>([
    ['running', {}, 'in_progress', {}],
    ['canceling', { processing_status: 'canceling', cancel_initiated_at: '2026-12-05T08:30:00Z' }, 'cancelling', { cancelling_at: created + 1800 }],
    ['ended', { ...ended, request_counts: counts(4, 1, 0, 0) }, 'completed', { completed_at: created + 3600 }],
    ['ended with every request errored (still completed, as OpenAI)', { ...ended, request_counts: counts(0, 5, 0, 0) }, 'completed', {}],
    [
      'ended after a cancel',
      { ...ended, cancel_initiated_at: '2026-12-05T08:30:00Z', request_counts: counts(2, 0, 3, 0) },
      'cancelled',
      { cancelled_at: created + 3600 },
    ],
    ['ended with expired requests', { ...ended, request_counts: counts(3, 0, 0, 2) }, 'expired', { expired_at: created + 3600 }],
  ])('maps a batch %s', (_name, patch, status, times) => {
    const batch: MessageBatch = { ...base, ...patch }
    const mapped = mapAnthropicBatch(batch, { inputFileId: 'file-1' })
    expect(mapped.providerStatus).toBe(batch.processing_status)
    expect(mapped.batch).toMatchObject({ id: 'msgbatch_1', status, input_file_id: 'file-1', created_at: created, in_progress_at: created, ...times })
    const { succeeded, errored, canceled, expired } = batch.request_counts
    expect(mapped.batch.request_counts).toEqual({ total: 5, completed: succeeded, failed: errored + canceled + expired })
  })
})
