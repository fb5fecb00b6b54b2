// Reading one OpenAI-format batch line for a provider that speaks another API. Pure and isomorphic: the browser's
// New batch check runs the same translation as the server, so an untranslatable line is flagged before upload.

/** A line a provider cannot run as it is, in the validator's shape: 1-based line (null: the whole file), what to change, the body path. */
export type ProviderLineError = { line: number | null; message: string; param: string | null }

export type Translated<T> = { ok: true; request: T } | { ok: false; error: ProviderLineError }

export type JsonObject = Record<string, unknown>

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

export const fail = (line: number, param: string | null, message: string): { ok: false; error: ProviderLineError } => ({
  ok: false,
  error: { line, message, param },
})

/** An OpenAI batch line: custom_id, url and body; the validator in lib/jsonl has already checked method and JSON. */
export type OpenAILine = { customId: string; url: string; body: JsonObject }

/** The OpenAI parts of a line, or an error if it has none (lib/jsonl reports the details; this is a backstop). */
export function readOpenAILine(value: unknown, line: number): Translated<OpenAILine> {
  if (!isObject(value)) return fail(line, null, 'Each line must be one JSON object with "custom_id", "method", "url" and "body".')
  if (typeof value.custom_id !== 'string' || value.custom_id === '')
    return fail(line, 'custom_id', 'Add a "custom_id": a non-empty string unique within the file.')
  if (typeof value.url !== 'string') return fail(line, 'url', 'Add a "url", such as "/v1/chat/completions".')
  if (!isObject(value.body)) return fail(line, 'body', 'Add a "body": the request as a JSON object.')
  return { ok: true, request: { customId: value.custom_id, url: value.url, body: value.body } }
}

/** An image from an OpenAI `image_url` part: inline base64 from a data: URL, or a link the provider fetches. */
export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string }

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/is

export function readImageUrl(url: string): ImageSource | null {
  const data = DATA_URL.exec(url)
  if (data) return { kind: 'base64', mediaType: data[1]!.toLowerCase(), data: data[2]! }
  if (/^https?:\/\//i.test(url)) return { kind: 'url', url }
  return null
}

/** Text of an OpenAI message content that must be text only (system prompts, tool results): a string or text parts. */
export function textOnly(content: unknown): string | null {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return null
  const texts: string[] = []
  for (const part of content) {
    if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') return null
    texts.push(part.text)
  }
  return texts.join('\n')
}

/** The line's max output tokens, whichever OpenAI name it uses; undefined when absent, null when not a positive integer. */
export function maxTokensOf(body: JsonObject): { value: number; param: string } | { value: undefined } | { value: null; param: string } {
  for (const param of ['max_completion_tokens', 'max_tokens']) {
    const value = body[param]
    if (value === undefined || value === null) continue
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? { value, param } : { value: null, param }
  }
  return { value: undefined }
}

/** `stop` as a list: OpenAI takes a string or up to 4 strings. */
export function stopSequences(stop: unknown): string[] | null {
  if (typeof stop === 'string') return [stop]
  if (Array.isArray(stop) && stop.every((item) => typeof item === 'string')) return stop
  return null
}

/**
 * Body fields with no counterpart at the provider, and what to tell the user. A field set to its OpenAI default
 * (n: 1, logprobs: false, a zero penalty) changes nothing and passes.
 */
export function unsupportedOption(body: JsonObject, provider: string): { param: string; message: string } | null {
  const isSet = (key: string, neutral: unknown[]) => body[key] !== undefined && body[key] !== null && !neutral.includes(body[key])
  if (isSet('n', [1])) return { param: 'n', message: `${provider} returns one answer per request: remove "n" and repeat the line with new custom_ids instead.` }
  if (isSet('logprobs', [false])) return { param: 'logprobs', message: `${provider} does not return log probabilities: remove "logprobs".` }
  if (isSet('top_logprobs', [0])) return { param: 'top_logprobs', message: `${provider} does not return log probabilities: remove "top_logprobs".` }
  if (isSet('logit_bias', [])) return { param: 'logit_bias', message: `${provider} has no logit bias: remove "logit_bias".` }
  if (isSet('audio', []) || (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text')))
    return { param: 'modalities', message: `${provider} answers in text only here: remove "audio" and non-text "modalities".` }
  if (isSet('prediction', [])) return { param: 'prediction', message: `${provider} has no predicted outputs: remove "prediction".` }
  if (isSet('stream', [false])) return { param: 'stream', message: 'Streaming is not supported in a batch: remove "stream".' }
  return null
}
