// What a person wants to read from a request line and its result line, for every batch endpoint. Isomorphic: the
// server's indexer and the browser's row drawer read the same lines the same way.
import { isSimulatedBody } from './simulated'

type Json = Record<string, unknown>

const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {})
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const int = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null)

// 'pending' only on a job's rows and on a running engine batch's (a live index): a line whose final answer is still to come.
export const RESULT_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled', 'missing', 'pending'] as const
export type ResultStatus = (typeof RESULT_STATUSES)[number]

export function isResultStatus(value: string): value is ResultStatus {
  return (RESULT_STATUSES as readonly string[]).includes(value)
}

/** A result row's status read back from the database, where only the indexer writes it. */
export function parseResultStatus(value: string): ResultStatus {
  if (!isResultStatus(value)) throw new Error(`The results index holds a row with the unknown status "${value}".`)
  return value
}

export const RESULT_STATUS_LABELS: Record<ResultStatus, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  missing: 'Missing',
  pending: 'Pending',
}

/** Text parts of a message's content (a string, or OpenAI's array of parts), and how many images it carries. */
function contentOf(content: unknown): { text: string; images: string[] } {
  if (typeof content === 'string') return { text: content, images: [] }
  if (!Array.isArray(content)) return { text: '', images: [] }
  const texts: string[] = []
  const images: string[] = []
  for (const part of content) {
    const record = obj(part)
    const text = str(record.text)
    if (text !== null) texts.push(text)
    // Chat: { type: 'image_url', image_url: { url } }; Responses: { type: 'input_image', image_url: '…' }.
    const image = str(obj(record.image_url).url) ?? (record.type === 'input_image' ? str(record.image_url) : null)
    if (image !== null) images.push(image)
  }
  return { text: texts.join('\n'), images }
}

function lastUser(messages: unknown): { text: string; images: string[] } | null {
  if (!Array.isArray(messages)) return null
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = obj(messages[index])
    if (message.role === undefined || message.role === 'user') return contentOf(message.content)
  }
  const last = obj(messages.at(-1))
  return contentOf(last.content)
}

function inputText(input: unknown): { text: string; images: string[] } {
  if (typeof input === 'string') return { text: input, images: [] }
  if (Array.isArray(input)) {
    // Embeddings and moderations take a list of strings (or token arrays); Responses takes a list of messages.
    if (input.every((item) => typeof item === 'string')) return { text: input.join('\n'), images: [] }
    if (input.some((item) => obj(item).role !== undefined || obj(item).content !== undefined)) return lastUser(input) ?? { text: '', images: [] }
    return contentOf(input)
  }
  return { text: '', images: [] }
}

export type PromptFacts = { customId: string | null; text: string; images: string[] }

/** An image edit's input images given by URL: `images: [{ image_url }]` (JSON body) or `image` URL(s); file ids have none. */
function editImages(body: Json): string[] {
  const refs = Array.isArray(body.images) ? body.images.map((ref) => str(obj(ref).image_url)) : []
  const direct = typeof body.image === 'string' ? [body.image] : Array.isArray(body.image) ? body.image.map(str) : []
  return [...refs, ...direct].filter((url): url is string => url !== null)
}

/**
 * A line in a provider's own format (lib/jsonl/native.ts) read as the OpenAI body it matches: Anthropic's `params`
 * already holds `messages`; Gemini's `request.contents` are messages whose `parts` carry the text, and an embedding's
 * `request.content` is its input.
 */
function nativeBody(line: Json): Json {
  if (line.params !== undefined) return obj(line.params)
  const request = obj(line.request)
  if (Array.isArray(request.contents)) return { messages: request.contents.map((content) => ({ role: obj(content).role, content: obj(content).parts })) }
  if (request.content !== undefined) return { input: contentOf(obj(request.content).parts).text }
  return {}
}

/** The request's prompt: the last user message (chat), the prompt, or the input; and the images it sends. */
export function promptOf(request: unknown): PromptFacts {
  const line = obj(request)
  const body = line.body === undefined ? nativeBody(line) : obj(line.body)
  const customId = str(line.custom_id) ?? str(line.key)
  if (Array.isArray(body.messages)) return { customId, ...(lastUser(body.messages) ?? { text: '', images: [] }) }
  if (body.prompt !== undefined) {
    const prompt = inputText(body.prompt)
    return { customId, text: prompt.text, images: [...prompt.images, ...editImages(body)] }
  }
  return { customId, ...inputText(body.input) }
}

/** The `data` items of an images endpoint's answer (`{ created, data: [{ b64_json | url, revised_prompt? }] }`); empty otherwise. */
function imageItems(body: Json): Json[] {
  // Embeddings lists also hold `data`, but say `object: 'list'`; an images response has no `object`.
  if (!Array.isArray(body.data) || body.object !== undefined) return []
  return body.data.map(obj).filter((item) => typeof item.b64_json === 'string' || typeof item.url === 'string')
}

/**
 * The images an images endpoint answered with (https://platform.openai.com/docs/api-reference/images/object): a data
 * URL per base64 image (its type from `output_format`, PNG by default), or the http(s) URL.
 */
export function outputImagesOf(body: unknown): string[] {
  const record = obj(body)
  const format = str(record.output_format) ?? 'png'
  const type = format === 'jpg' ? 'jpeg' : format
  return imageItems(record).map((image) => (typeof image.b64_json === 'string' ? `data:image/${type};base64,${image.b64_json}` : String(image.url)))
}

/** A result line's response body, or null for a line that never ran. */
export function responseBodyOf(line: unknown): unknown {
  const response = obj(line).response
  return response === null || response === undefined ? null : obj(response).body
}

export type ResultFacts = {
  customId: string | null
  status: Exclude<ResultStatus, 'missing'>
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  finishReason: string | null
  inputTokens: number | null
  outputTokens: number | null
  totalTokens: number | null
  /** The assistant's text; for embeddings the dimensions, for moderations the flagged categories, for images their count and revised prompt. */
  text: string
  /** Images the response holds (images endpoints). */
  outputImageCount: number
  /** Made up by Batchboard's simulator (here, or on another Batchboard reached through a connection). */
  simulated: boolean
}

function responseText(body: Json): string {
  const choices = Array.isArray(body.choices) ? body.choices : null
  if (choices) {
    const choice = obj(choices[0])
    const message = obj(choice.message)
    const content = contentOf(message.content).text || str(message.refusal) || ''
    if (content) return content
    if (Array.isArray(message.tool_calls)) {
      return message.tool_calls.map((call) => `${str(obj(obj(call).function).name) ?? 'tool'}(${str(obj(obj(call).function).arguments) ?? ''})`).join('\n')
    }
    return str(choice.text) ?? ''
  }
  if (body.object === 'response' || Array.isArray(body.output)) {
    if (typeof body.output_text === 'string') return body.output_text
    const texts: string[] = []
    for (const item of Array.isArray(body.output) ? body.output : []) {
      for (const part of Array.isArray(obj(item).content) ? (obj(item).content as unknown[]) : []) {
        const text = str(obj(part).text)
        if (text !== null) texts.push(text)
      }
    }
    return texts.join('\n')
  }
  if (Array.isArray(body.data) && body.object === 'list') {
    const first = obj(body.data[0])
    const dimensions = Array.isArray(first.embedding) ? first.embedding.length : null
    const count = body.data.length
    if (dimensions === null) return typeof first.embedding === 'string' ? `${count} ${count === 1 ? 'embedding' : 'embeddings'} (base64)` : ''
    return count === 1 ? `${dimensions} dimensions` : `${count} embeddings × ${dimensions} dimensions`
  }
  const images = imageItems(body)
  if (images.length > 0) {
    const revised = str(images[0]!.revised_prompt)
    const count = images.length === 1 ? '1 image' : `${images.length} images`
    return revised === null ? count : `${count}: ${revised}`
  }
  if (Array.isArray(body.results)) {
    const flagged = new Set<string>()
    let anyFlagged = false
    for (const result of body.results) {
      const record = obj(result)
      if (record.flagged === true) anyFlagged = true
      for (const [name, value] of Object.entries(obj(record.categories))) if (value === true) flagged.add(name)
    }
    if (!anyFlagged && flagged.size === 0) return 'Not flagged'
    return flagged.size > 0 ? `Flagged: ${[...flagged].join(', ')}` : 'Flagged'
  }
  return ''
}

function finishReasonOf(body: Json): string | null {
  const choices = Array.isArray(body.choices) ? body.choices : null
  if (choices) return str(obj(choices[0]).finish_reason)
  if (body.object === 'response') {
    const incomplete = str(obj(body.incomplete_details).reason)
    return incomplete ?? str(body.status)
  }
  return null
}

/** A line of an output or error file (OpenAI's BatchRequestOutput), reduced to what the results table shows. */
export function resultOf(line: unknown): ResultFacts {
  const record = obj(line)
  const response = record.response === null || record.response === undefined ? null : obj(record.response)
  const body = obj(response?.body)
  const topError = record.error === null || record.error === undefined ? null : obj(record.error)
  const bodyError = body.error === null || body.error === undefined ? null : obj(body.error)
  const statusCode = int(response?.status_code)
  const usage = obj(body.usage)
  const inputTokens = int(usage.prompt_tokens ?? usage.input_tokens)
  const outputTokens = int(usage.completion_tokens ?? usage.output_tokens)
  const totalTokens = int(usage.total_tokens) ?? (inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0))
  const errorCode =
    str(topError?.code) ?? str(bodyError?.code) ?? str(bodyError?.type) ?? (statusCode !== null && statusCode >= 400 ? `http_${statusCode}` : null)
  const errorMessage = str(topError?.message) ?? str(bodyError?.message)
  const ok = topError === null && bodyError === null && statusCode !== null && statusCode < 400
  const status = ok ? 'succeeded' : errorCode === 'batch_expired' ? 'expired' : errorCode === 'batch_cancelled' ? 'cancelled' : 'failed'
  return {
    customId: str(record.custom_id),
    status,
    statusCode,
    errorCode: ok ? null : (errorCode ?? 'unknown_error'),
    errorMessage: ok ? null : errorMessage,
    finishReason: ok ? finishReasonOf(body) : null,
    inputTokens,
    outputTokens,
    totalTokens,
    text: ok ? responseText(body) : '',
    outputImageCount: ok ? imageItems(body).length : 0,
    simulated: ok && isSimulatedBody(body),
  }
}
