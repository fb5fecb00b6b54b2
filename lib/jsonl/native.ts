import { describeType, quote, type ErrorCollector } from './errors'
import { isJsonObject, type FileState, type JsonObject } from './rules'

// Batch files in a provider's own line format run unchanged on a connection of that kind (docs/decisions/046):
// Anthropic Message Batches' `{custom_id, params}` lines (platform.claude.com/docs/en/api/messages/batches/create)
// and Gemini Batch Mode's `{key, request}` lines (ai.google.dev/gemini-api/docs/batch-mode, "Input file").

export const LINE_FORMATS = ['openai', 'anthropic', 'gemini'] as const
export type LineFormat = (typeof LINE_FORMATS)[number]
export type NativeFormat = Exclude<LineFormat, 'openai'>

const FORMAT_NAMES: Record<LineFormat, string> = {
  openai: "OpenAI's batch format ({custom_id, method, url, body})",
  anthropic: "Anthropic's Message Batches format ({custom_id, params})",
  gemini: "Gemini Batch Mode's format ({key, request})",
}

/** The connection kind a native file runs on, as Batchboard names kinds. */
export const NATIVE_FORMAT_KIND: Record<NativeFormat, string> = { anthropic: 'anthropic', gemini: 'gemini' }

const FORMAT_TITLES: Record<NativeFormat, string> = { anthropic: 'Anthropic Message Batches format', gemini: 'Gemini Batch Mode format' }

/** Which format a parsed line is written in: a line with OpenAI's fields (or none of either, or no object) is OpenAI's. */
export function lineFormatOf(value: unknown): LineFormat {
  if (!isJsonObject(value)) return 'openai'
  if (value.method !== undefined || value.url !== undefined || value.body !== undefined) return 'openai'
  if (isJsonObject(value.params)) return 'anthropic'
  if (typeof value.key === 'string' && isJsonObject(value.request)) return 'gemini'
  return 'openai'
}

export const isNativeFormat = (format: LineFormat): format is NativeFormat => format !== 'openai'

/** The file-level finding for a native file: "Anthropic Message Batches format: runs on an anthropic connection". */
export const describeNativeFormat = (format: NativeFormat) => `${FORMAT_TITLES[format]}: runs on ${article(NATIVE_FORMAT_KIND[format])} connection`

/** Why a file in `format` cannot run on a connection of `kind` (the built-in engine is kind "builtin"), or null when it can. */
export function formatRefusal(format: LineFormat, kind: string): string | null {
  if (!isNativeFormat(format) || NATIVE_FORMAT_KIND[format] === kind) return null
  const needed = NATIVE_FORMAT_KIND[format]
  return `This file is in ${FORMAT_NAMES[format]}, which runs only on ${article(needed)} connection. Choose ${article(needed)} connection, or write its lines in OpenAI's batch format to run it here.`
}

/** A line in another format than the file's first request (`state.formatLine`). */
export function mixedFormatMessage(format: LineFormat, fileFormat: LineFormat, fileFormatLine: number): string {
  return `This line is in ${FORMAT_NAMES[format]}, but the file is in ${FORMAT_NAMES[fileFormat]} (line ${fileFormatLine}). A file holds one format: write every line the same way, or move this one to a file of its own.`
}

/** What the validator takes from a native line: the body to count tokens in, as the OpenAI endpoint it matches. */
export type NativeRequest = { endpoint: string; body: JsonObject }

/**
 * Checks a native line's shape and its id, as the provider's API requires them; everything inside the request is the
 * provider's to judge. Anthropic batches may mix models; a Gemini batch runs one (named by `request.model`).
 */
export function checkNativeLine(value: JsonObject, format: NativeFormat, line: number, state: FileState, errors: ErrorCollector): NativeRequest | null {
  if (format === 'anthropic') {
    const params = value.params as JsonObject
    if (!checkId(value.custom_id, 'custom_id', line, state, errors)) return null
    if (typeof params.model !== 'string' || params.model === '') return fail(errors, line, 'params.model', 'Add "model" to "params", e.g. "claude-sonnet-4-5".')
    if (typeof params.max_tokens !== 'number' || !Number.isInteger(params.max_tokens) || params.max_tokens < 1)
      return fail(errors, line, 'params.max_tokens', 'Add "max_tokens" (a positive whole number) to "params": Anthropic requires it.')
    if (!Array.isArray(params.messages)) return fail(errors, line, 'params.messages', 'Add "messages" to "params": a list of {"role", "content"}.')
    state.model ??= params.model
    state.modelLine ??= line
    state.endpoint ??= '/v1/chat/completions'
    return { endpoint: '/v1/chat/completions', body: params }
  }
  const request = value.request as JsonObject
  if (!checkId(value.key, 'key', line, state, errors)) return null
  const embed = isJsonObject(request.content)
  if (!embed && !Array.isArray(request.contents))
    return fail(errors, line, 'request.contents', 'Add "contents" to "request" (a GenerateContentRequest), or "content" for an embedding.')
  if (typeof request.model !== 'string' || request.model === '')
    return fail(errors, line, 'request.model', 'Add "model" to "request", e.g. "models/gemini-2.5-flash": a Gemini batch names its model on its lines here.')
  if (state.model === null) {
    state.model = request.model.replace(/^models\//, '')
    state.modelLine = line
  } else if (request.model.replace(/^models\//, '') !== state.model) {
    errors.add(
      'mismatched_model',
      `The model ${quote(request.model)} for this request does not match the rest of the batch (${quote(state.model)}, first used on line ${state.modelLine}). A Gemini batch runs one model; move this request to a separate file.`,
      'request.model',
      line,
    )
    return null
  }
  const endpoint = embed ? '/v1/embeddings' : '/v1/chat/completions'
  state.endpoint ??= endpoint
  // Embedding lines give nothing to count: OpenAI's embedding-input limit is not Gemini's.
  return embed ? null : { endpoint, body: countableGeminiBody(request) }
}

/** A part's list of a Gemini Content (`{role, parts: [{text}, {inlineData}, …]}`), or none. */
const partsOf = (content: unknown): unknown[] => (isJsonObject(content) && Array.isArray(content.parts) ? content.parts : [])

/**
 * A GenerateContentRequest as the chat body its tokens are estimated from: the system instruction and each content as
 * a message whose content is its parts (their `text` is counted), and generationConfig.maxOutputTokens as the cap.
 */
function countableGeminiBody(request: JsonObject): JsonObject {
  const config = isJsonObject(request.generationConfig) ? request.generationConfig : {}
  const contents = Array.isArray(request.contents) ? request.contents : []
  const system = request.systemInstruction === undefined ? [] : [{ role: 'system', content: partsOf(request.systemInstruction) }]
  return {
    messages: [...system, ...contents.map((content) => ({ role: 'user', content: partsOf(content) }))],
    ...(typeof config.maxOutputTokens === 'number' ? { max_tokens: config.maxOutputTokens } : {}),
  }
}

function checkId(id: unknown, param: string, line: number, state: FileState, errors: ErrorCollector): boolean {
  if (typeof id !== 'string' || id === '') {
    fail(errors, line, param, `Add "${param}": a non-empty string, unique within the file (results are matched to requests by it). Got ${describeType(id)}.`)
    return false
  }
  const first = state.customIds.get(id)
  if (first !== undefined) {
    errors.add(
      'duplicate_custom_id',
      `The ${param} ${quote(id)} is a duplicate of another request (line ${first}). Give each request its own ${param}.`,
      param,
      line,
    )
    return false
  }
  if (state.customIds.size < state.maxTrackedIds) state.customIds.set(id, line)
  return true
}

function fail(errors: ErrorCollector, line: number, param: string, message: string): null {
  errors.add('invalid_request', message, param, line)
  return null
}

const article = (kind: string) => (/^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`)
