import 'server-only'
import { isObject, type JsonObject } from '@/lib/providers/openai-line'
import { errorBodyJson, resultLine } from '@/lib/server/engine/results'
import { newRequestId } from '@/lib/server/ids'
import { convertResultFile, type ConvertedFiles, type ConvertedResult } from '@/lib/server/providers/result-files'

// Gemini Batch Mode responses file (ai.google.dev/gemini-api/docs/batch-mode, "Retrieving results"): one line per
// request, `{key, response: GenerateContentResponse | EmbedContentResponse}` or `{key, error: google.rpc.Status}`.

/** OpenAI's finish_reason for Gemini's Candidate.finishReason (ai.google.dev/api/generate-content#FinishReason). */
const FINISH_REASONS: Record<string, string> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const list = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : [])

/** A GenerateContentResponse as an OpenAI chat.completion body. */
export function chatCompletionFromGemini(response: JsonObject, context: { model: string; created: number }) {
  const candidate = list(response.candidates)[0]
  const parts = list(isObject(candidate?.content) ? candidate.content.parts : undefined)
  // Thought summaries (thought: true) are the model's reasoning, not its answer.
  const text = parts.flatMap((part) => (typeof part.text === 'string' && part.thought !== true ? [part.text] : [])).join('')
  const toolCalls = parts.flatMap((part, index) =>
    isObject(part.functionCall)
      ? [
          {
            id: `call_${index}`,
            type: 'function' as const,
            function: { name: String(part.functionCall.name), arguments: JSON.stringify(part.functionCall.args ?? {}) },
          },
        ]
      : [],
  )
  const blocked = !candidate && isObject(response.promptFeedback) && typeof response.promptFeedback.blockReason === 'string'
  const finishReason = toolCalls.length > 0 ? 'tool_calls' : blocked ? 'content_filter' : (FINISH_REASONS[String(candidate?.finishReason)] ?? 'stop')
  const usage = isObject(response.usageMetadata) ? response.usageMetadata : {}
  const prompt = num(usage.promptTokenCount)
  const thoughts = num(usage.thoughtsTokenCount)
  // OpenAI's completion_tokens include reasoning tokens; Gemini counts thoughts apart from candidates.
  const completion = num(usage.candidatesTokenCount) + thoughts
  return {
    id: typeof response.responseId === 'string' ? response.responseId : `gen-${newRequestId()}`,
    object: 'chat.completion',
    created: context.created,
    model: typeof response.modelVersion === 'string' ? response.modelVersion : context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && (toolCalls.length > 0 || blocked) ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: usage.totalTokenCount === undefined ? prompt + completion : num(usage.totalTokenCount),
      prompt_tokens_details: { cached_tokens: num(usage.cachedContentTokenCount) },
      completion_tokens_details: { reasoning_tokens: thoughts },
    },
  }
}

/** An EmbedContentResponse as an OpenAI embeddings body. Gemini reports no token counts for embeddings. */
export function embeddingFromGemini(response: JsonObject, context: { model: string }) {
  const values = isObject(response.embedding) && Array.isArray(response.embedding.values) ? response.embedding.values : []
  return {
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding: values }],
    model: context.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  }
}

/** HTTP status for google.rpc.Code names (cloud.google.com/apis/design/errors#handling_errors). */
const RPC_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
}

/** One line of a Gemini responses file as an OpenAI output or error line; null when it is not a result. */
export function convertGeminiResult(value: unknown, context: { model: string; created: number }): ConvertedResult | null {
  if (!isObject(value) || typeof value.key !== 'string') return null
  if (isObject(value.error)) {
    const status = typeof value.error.status === 'string' ? value.error.status : 'UNKNOWN'
    const code = typeof value.error.code === 'number' ? value.error.code : (RPC_STATUS[status] ?? 500)
    const message = typeof value.error.message === 'string' ? value.error.message : 'Gemini reported an error without a message.'
    return { file: 'error', line: resultLine(value.key, code, newRequestId(), errorBodyJson(message, status, null)) }
  }
  if (!isObject(value.response)) return null
  const body = isObject(value.response.embedding) ? embeddingFromGemini(value.response, context) : chatCompletionFromGemini(value.response, context)
  return { file: 'output', line: resultLine(value.key, 200, newRequestId(), JSON.stringify(body)), body }
}

/** Converts a downloaded Gemini responses file into OpenAI-format output and error files. */
export function convertGeminiResults(
  rawPath: string,
  target: { outputPath: string; errorPath: string },
  context: { model: string; created: number },
): Promise<ConvertedFiles> {
  return convertResultFile(rawPath, target, (value) => convertGeminiResult(value, context))
}
