import { isJsonObject, type JsonObject } from './rules'

// OpenAI cookbook ("How to count tokens with tiktoken"): 3 tokens wrap every message, the role adds about
// one more, a name one more, and every reply is primed with 3.
const TOKENS_PER_MESSAGE = 4
const TOKENS_PER_NAME = 1
const TOKENS_PER_REPLY = 3

const IMAGE_PART_TYPES: ReadonlySet<string> = new Set(['image_url', 'input_image'])

// Keys that hold text a model reads, in chat messages, content parts, tool calls and Responses items.
// Everything else (image urls, base64 audio and files, ids) is left alone: it is not billed as text and
// tokenizing a data: URL would be slow and wrong.
const TEXT_KEYS = ['content', 'text', 'output', 'arguments', 'summary', 'tool_calls', 'function'] as const

// JSON.parse builds arbitrarily deep values; real requests are a few levels deep.
const MAX_DEPTH = 16

const GENERATION_ENDPOINTS: ReadonlySet<string> = new Set(['/v1/chat/completions', '/v1/completions', '/v1/responses'])

export type RequestFacts = {
  // Tokens known without a tokenizer: message framing and pre-tokenized (number array) inputs.
  fixedTokens: number
  imageInputs: number
  embeddingInputs: number
}

// Gathers what the report says about one request. Text to tokenize is pushed onto `texts` when given, so
// the caller decides whether (and how exactly) to count it.
export function describeRequest(endpoint: string | null, body: JsonObject, texts: string[] | null): RequestFacts {
  const walk = new RequestWalk(texts)
  switch (endpoint) {
    case '/v1/chat/completions':
      walk.fixedTokens += TOKENS_PER_REPLY
      walk.visit(body.messages, 0)
      break
    case '/v1/responses':
      walk.fixedTokens += TOKENS_PER_REPLY
      walk.visit(body.instructions, 0)
      if (typeof body.input === 'string') walk.fixedTokens += TOKENS_PER_MESSAGE
      walk.visit(body.input, 0)
      break
    case '/v1/completions':
      walk.visitPrompt(body.prompt)
      break
    case '/v1/embeddings':
      walk.visitPrompt(body.input)
      walk.embeddingInputs = countEmbeddingInputs(body.input)
      break
    case '/v1/moderations':
      walk.visit(body.input, 0)
      break
    case '/v1/images/generations':
    case '/v1/images/edits':
    case '/v1/videos':
      walk.visitText(body.prompt)
      break
    default:
      // An endpoint added through `supportedEndpoints`, or a line without a usable url: read the usual fields.
      walk.visit(body.instructions, 0)
      walk.visit(body.messages, 0)
      walk.visit(body.input, 0)
      walk.visitPrompt(body.prompt)
  }
  return { fixedTokens: walk.fixedTokens, imageInputs: walk.imageInputs, embeddingInputs: walk.embeddingInputs }
}

// `input` is a string, a list of strings, one token array or a list of token arrays; each string or token
// array is one input towards the 50,000 limit.
export function countEmbeddingInputs(input: unknown): number {
  if (typeof input === 'string') return 1
  if (!Array.isArray(input) || input.length === 0) return 0
  return typeof input[0] === 'number' ? 1 : input.length
}

// The output cap of a text-generation request, null when it sets none, undefined when the endpoint does not
// generate text (embeddings, moderations, images), so a spread over "missing" caps stays meaningful.
export function outputTokenCap(endpoint: string | null, body: JsonObject): number | null | undefined {
  if (endpoint === null || !GENERATION_ENDPOINTS.has(endpoint)) return undefined
  for (const value of [body.max_completion_tokens, body.max_tokens, body.max_output_tokens]) {
    if (typeof value === 'number' && Number.isFinite(value)) return value
  }
  return null
}

class RequestWalk {
  fixedTokens = 0
  imageInputs = 0
  embeddingInputs = 0

  constructor(private readonly texts: string[] | null) {}

  visitText(value: unknown): void {
    if (typeof value === 'string' && this.texts !== null) this.texts.push(value)
  }

  // string | string[] | number[] | number[][], as taken by completions' prompt and embeddings' input
  visitPrompt(value: unknown): void {
    if (!Array.isArray(value)) return this.visitText(value)
    if (typeof value[0] === 'number') {
      this.fixedTokens += value.length
      return
    }
    for (const item of value) {
      if (Array.isArray(item)) this.fixedTokens += item.length
      else this.visitText(item)
    }
  }

  visit(value: unknown, depth: number): void {
    if (depth > MAX_DEPTH) return
    if (typeof value === 'string') return this.visitText(value)
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, depth + 1)
      return
    }
    if (!isJsonObject(value)) return
    if (typeof value.type === 'string' && IMAGE_PART_TYPES.has(value.type)) {
      this.imageInputs++
      return
    }
    if (typeof value.role === 'string') {
      this.fixedTokens += TOKENS_PER_MESSAGE
      if (typeof value.name === 'string') {
        this.fixedTokens += TOKENS_PER_NAME
        this.visitText(value.name)
      }
    }
    for (const key of TEXT_KEYS) {
      const child = value[key]
      if (child !== undefined && child !== null) this.visit(child, depth + 1)
    }
  }
}
