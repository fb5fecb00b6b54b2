import 'server-only'
import type { Message, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages'
import { isObject } from '@/lib/providers/openai-line'
import { errorBodyJson, notRunLine, resultLine } from '@/lib/server/engine/results'
import { newRequestId } from '@/lib/server/ids'
import { convertResultFile, type ConvertedFiles, type ConvertedResult } from '@/lib/server/providers/result-files'

// Anthropic's results file (platform.claude.com/docs/en/build-with-claude/batch-processing, "Retrieving batch
// results"): one `{custom_id, result}` per line, result.type succeeded | errored | canceled | expired, in any order.

/** OpenAI's finish_reason for Anthropic's stop_reason (Messages API reference, "stop_reason"). */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

/** HTTP status per Anthropic error type (platform.claude.com/docs/en/api/errors). */
const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

/** An Anthropic Message as an OpenAI chat.completion body. `created` is the batch's end, in unix seconds. */
export function chatCompletionFromMessage(message: Message, created: number) {
  const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')
  const toolCalls = message.content.flatMap((block) =>
    block.type === 'tool_use' ? [{ id: block.id, type: 'function' as const, function: { name: block.name, arguments: JSON.stringify(block.input) } }] : [],
  )
  const usage = message.usage
  const cacheRead = usage.cache_read_input_tokens ?? 0
  const cacheCreation = usage.cache_creation_input_tokens ?? 0
  // OpenAI's prompt_tokens includes cached tokens; Anthropic's input_tokens counts only the uncached rest.
  const promptTokens = usage.input_tokens + cacheRead + cacheCreation
  const reasoning = usage.output_tokens_details?.thinking_tokens
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: FINISH_REASONS[message.stop_reason ?? ''] ?? 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: usage.output_tokens,
      total_tokens: promptTokens + usage.output_tokens,
      prompt_tokens_details: { cached_tokens: cacheRead },
      ...(reasoning !== undefined ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}),
      // Anthropic's own counts, kept for pricing: cache writes cost more than input, cache reads less.
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
    },
  }
}

/** One line of Anthropic's results file as an OpenAI output or error line; null when it is not a result. */
export function convertAnthropicResult(value: unknown, created: number): ConvertedResult | null {
  if (!isObject(value) || typeof value.custom_id !== 'string' || !isObject(value.result)) return null
  // Anthropic's documented shape; a line that breaks it throws below and is counted as unreadable by the caller.
  const entry = value as unknown as MessageBatchIndividualResponse
  const result = entry.result
  switch (result.type) {
    case 'succeeded': {
      const body = chatCompletionFromMessage(result.message, created)
      return { file: 'output', line: resultLine(entry.custom_id, 200, newRequestId(), JSON.stringify(body)), body }
    }
    case 'errored': {
      // The envelope is {type: "error", error: {type, message}, request_id}; older files put {type, message} directly.
      const envelope: Record<string, unknown> = isObject(result.error) ? result.error : {}
      const inner = isObject(envelope.error) ? envelope.error : envelope
      const type = typeof inner.type === 'string' ? inner.type : 'api_error'
      const message = typeof inner.message === 'string' ? inner.message : 'Anthropic reported an error without a message.'
      const requestId = typeof envelope.request_id === 'string' ? envelope.request_id : newRequestId()
      return { file: 'error', line: resultLine(entry.custom_id, ERROR_STATUS[type] ?? 500, requestId, errorBodyJson(message, type, null)) }
    }
    case 'canceled':
      return { file: 'error', line: notRunLine(entry.custom_id, 'batch_cancelled') }
    case 'expired':
      return { file: 'error', line: notRunLine(entry.custom_id, 'batch_expired') }
    default:
      return null
  }
}

/** Converts a downloaded Anthropic results file into OpenAI-format output and error files. */
export function convertAnthropicResults(rawPath: string, target: { outputPath: string; errorPath: string }, created: number): Promise<ConvertedFiles> {
  return convertResultFile(rawPath, target, (value) => convertAnthropicResult(value, created))
}
