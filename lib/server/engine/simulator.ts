// No 'server-only' here on purpose: the simulator holds no secrets and touches no database, and the bench and
// the tests start their own copies from plain Node processes, where that marker package throws.
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32, deflateSync } from 'node:zlib'
// Relative, not '@/…': a plain Node process that loads this file outside the project's tsconfig has no path aliases.
import { SIMULATED_HEADER, SIMULATOR_FINGERPRINT } from '../../results/simulated'

export type SimulatorOptions = {
  /** Milliseconds before each answer. */
  latencyMs?: number
  /** Fractions of requests answered with 500, with 429 (plus Retry-After), or never answered (a timeout). */
  errorRate?: number
  rateLimitRate?: number
  timeoutRate?: number
  /** What a 429 asks the client to wait; sent as retry-after-ms and (rounded up) retry-after. */
  retryAfterMs?: number
  /** Replaces Math.random for fault decisions, so a test can make them deterministic. */
  random?: () => number
}

export type SimulatorStats = {
  requests: number
  ok: number
  rateLimited: number
  serverErrors: number
  timeouts: number
  badRequests: number
  /** Requests received and not yet answered, and the most there have been at once: what a client's concurrency limit bounds. */
  inFlight: number
  peakInFlight: number
}

export type Simulator = {
  /** The base URL clients use, ending in /v1 like OpenAI's. */
  url: string
  port: number
  stats: SimulatorStats
  configure(options: SimulatorOptions): void
  close(): Promise<void>
}

const SIM_MODELS = ['sim-chat', 'sim-embed', 'sim-moderation', 'sim-image']

type Json = Record<string, unknown>

/** ~4 characters per token, like OpenAI's rule of thumb: real-ish counts without a tokenizer on the hot path. */
const tokensOf = (text: string) => Math.max(1, Math.ceil(text.length / 4))

function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(textOf).join(' ')
  if (value && typeof value === 'object') {
    const record = value as Json
    if (typeof record.text === 'string') return record.text
    if ('content' in record) return textOf(record.content)
  }
  return ''
}

function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0)
}

/** Deterministic reply length: the same prompt always gives the same answer and token counts. */
function replyFor(prompt: string, cap: number | undefined): { text: string; tokens: number } {
  const seed = seedOf(prompt)
  const words = 5 + (seed % 40)
  const limit = cap === undefined ? words : Math.min(words, cap)
  const text = `Simulated answer (${seed.toString(16)}): ${'lorem ipsum dolor sit amet '
    .repeat(Math.ceil(limit / 5))
    .split(' ')
    .slice(0, limit)
    .join(' ')}`
  return { text, tokens: limit }
}

function embeddingFor(input: string, dimensions: number): number[] {
  const vector: number[] = []
  let block = Buffer.alloc(0)
  for (let i = 0; vector.length < dimensions; i++) {
    if (block.length < 4) block = createHash('sha256').update(`${i}:${input}`).digest()
    vector.push(Math.round((block.readUInt32BE(0) / 0xffffffff - 0.5) * 2e6) / 1e6)
    block = block.subarray(4)
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1
  return vector.map((x) => Math.round((x / norm) * 1e6) / 1e6)
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null,
  ) {
    super(message)
  }
}

const now = () => Math.floor(Date.now() / 1000)
const hex = (bytes: number) => randomBytes(bytes).toString('hex')

function maxTokensOf(body: Json, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new BadRequest(`Invalid '${name}': integer below minimum value. Expected a value >= 1, but got ${JSON.stringify(value)} instead.`, name)
    }
    return value
  }
  return undefined
}

function requireModel(body: Json): string {
  if (typeof body.model !== 'string' || body.model === '') throw new BadRequest("Missing required parameter: 'model'.", 'model')
  return body.model
}

/**
 * Directives a prompt can carry so tests and demos get exact behaviour: `[sim:echo]` answers with the text after the
 * marker (e.g. Markdown or HTML, to check how the app renders a model's output); `[sim:fail-once]` is refused with a
 * 400 the first time this simulator sees that exact request and answered normally after, so a retry succeeds.
 */
export const SIM_ECHO = '[sim:echo]'
export const SIM_FAIL_ONCE = '[sim:fail-once]'

function echoed(prompt: string): string | null {
  const at = prompt.indexOf(SIM_ECHO)
  return at === -1 ? null : prompt.slice(at + SIM_ECHO.length).trim()
}

function chatCompletion(body: Json): Json {
  const model = requireModel(body)
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new BadRequest("Missing required parameter: 'messages'.", 'messages')
  const prompt = body.messages.map(textOf).join('\n')
  const echo = echoed(prompt)
  const reply = echo === null ? replyFor(prompt, maxTokensOf(body, 'max_completion_tokens', 'max_tokens')) : { text: echo, tokens: tokensOf(echo) }
  const promptTokens = tokensOf(prompt) + 3 * body.messages.length
  return {
    id: `chatcmpl-${hex(12)}`,
    object: 'chat.completion',
    created: now(),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: reply.tokens,
      total_tokens: promptTokens + reply.tokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: SIMULATOR_FINGERPRINT,
    simulated: true,
  }
}

function completion(body: Json): Json {
  const model = requireModel(body)
  const prompt = textOf(body.prompt)
  const reply = replyFor(prompt, maxTokensOf(body, 'max_tokens'))
  const promptTokens = tokensOf(prompt)
  return {
    id: `cmpl-${hex(12)}`,
    object: 'text_completion',
    created: now(),
    model,
    choices: [{ index: 0, text: reply.text, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: reply.tokens, total_tokens: promptTokens + reply.tokens },
    system_fingerprint: SIMULATOR_FINGERPRINT,
    simulated: true,
  }
}

function response(body: Json): Json {
  const model = requireModel(body)
  const prompt = [textOf(body.instructions), textOf(body.input)].join('\n')
  const reply = replyFor(prompt, maxTokensOf(body, 'max_output_tokens'))
  const inputTokens = tokensOf(prompt)
  return {
    id: `resp_${hex(16)}`,
    object: 'response',
    created_at: now(),
    status: 'completed',
    model,
    output: [
      { id: `msg_${hex(16)}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply.text, annotations: [] }] },
    ],
    error: null,
    incomplete_details: null,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: reply.tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + reply.tokens,
    },
    metadata: body.metadata ?? {},
    simulated: true,
  }
}

function embeddings(body: Json): Json {
  const model = requireModel(body)
  const inputs = Array.isArray(body.input) ? body.input : [body.input]
  if (inputs.length === 0 || inputs.some((input) => input === undefined || input === '')) throw new BadRequest("Missing required parameter: 'input'.", 'input')
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : 64
  const texts = inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)))
  const tokens = texts.reduce((sum, text) => sum + tokensOf(text), 0)
  return {
    object: 'list',
    data: texts.map((text, index) => ({ object: 'embedding', index, embedding: embeddingFor(text, dimensions) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
    simulated: true,
  }
}

const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
]

function moderation(body: Json): Json {
  const inputs = Array.isArray(body.input) ? body.input : [body.input]
  if (body.input === undefined) throw new BadRequest("Missing required parameter: 'input'.", 'input')
  return {
    id: `modr-${hex(12)}`,
    model: typeof body.model === 'string' ? body.model : 'omni-moderation-latest',
    results: inputs.map((input) => {
      const seed = seedOf(textOf(input) || JSON.stringify(input))
      return {
        flagged: false,
        categories: Object.fromEntries(MODERATION_CATEGORIES.map((name) => [name, false])),
        category_scores: Object.fromEntries(MODERATION_CATEGORIES.map((name, i) => [name, ((seed >> i) & 0xff) / 1e5])),
        category_applied_input_types: Object.fromEntries(MODERATION_CATEGORIES.map((name) => [name, ['text']])),
      }
    }),
    simulated: true,
  }
}

export const SIM_IMAGE_SIZE = 64

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** A small RGB PNG (https://www.w3.org/TR/png/): a gradient whose colours come from the seed, so a prompt always gets the same picture. */
export function gradientPng(seed: number, size = SIM_IMAGE_SIZE): Buffer {
  const from = [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff]
  const to = from.map((value, i) => (value + 96 + ((seed >>> (24 + i * 2)) & 0x3f)) & 0xff)
  const rows = Buffer.alloc(size * (1 + size * 3))
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3)
    // Filter type 0 (None) for each scanline.
    rows[row] = 0
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * (size - 1))
      for (let c = 0; c < 3; c++) rows[row + 1 + x * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * t)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits per channel, truecolour, deflate, no filter method, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))])
}

/** gpt-image-1's output tokens for one low-quality square image (the table in OpenAI's image generation guide). */
const IMAGE_OUTPUT_TOKENS = 272

/**
 * /images/generations and the JSON form of /images/edits (https://platform.openai.com/docs/api-reference/images):
 * `n` images as b64_json (a `url` answer would need a server to keep them), with gpt-image's `usage`.
 */
function images(edit: boolean) {
  return (body: Json): Json => {
    requireModel(body)
    if (typeof body.prompt !== 'string' || body.prompt === '') throw new BadRequest("Missing required parameter: 'prompt'.", 'prompt')
    if (edit && body.images === undefined && body.image === undefined) throw new BadRequest("Missing required parameter: 'images'.", 'images')
    const n = body.n === undefined || body.n === null ? 1 : body.n
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) {
      throw new BadRequest(`Invalid 'n': expected an integer from 1 to 10, but got ${JSON.stringify(n)} instead.`, 'n')
    }
    const inputImages = edit ? (Array.isArray(body.images) ? body.images.length : Array.isArray(body.image) ? body.image.length : 1) : 0
    const textTokens = tokensOf(body.prompt)
    // Made up, but of the right size: an input image counts like a low-detail vision input.
    const imageTokens = inputImages * 65
    const outputTokens = n * IMAGE_OUTPUT_TOKENS
    return {
      created: now(),
      data: Array.from({ length: n }, (_, index) => ({ b64_json: gradientPng(seedOf(`${index}:${body.prompt as string}`)).toString('base64') })),
      background: 'opaque',
      output_format: 'png',
      quality: 'low',
      size: `${SIM_IMAGE_SIZE}x${SIM_IMAGE_SIZE}`,
      usage: {
        input_tokens: textTokens + imageTokens,
        input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens },
        output_tokens: outputTokens,
        output_tokens_details: { text_tokens: 0, image_tokens: outputTokens },
        total_tokens: textTokens + imageTokens + outputTokens,
      },
      simulated: true,
    }
  }
}

const HANDLERS: Record<string, (body: Json) => Json> = {
  '/chat/completions': chatCompletion,
  '/completions': completion,
  '/responses': response,
  '/embeddings': embeddings,
  '/moderations': moderation,
  '/images/generations': images(false),
  '/images/edits': images(true),
}

const errorBody = (message: string, type: string, param: string | null, code: string | null) => JSON.stringify({ error: { message, type, param, code } })

/**
 * An OpenAI-compatible server on 127.0.0.1 with an ephemeral port: deterministic, well-formed answers with
 * token counts, and configurable latency and faults. Every answer says it is simulated.
 */
export async function startSimulator(initial: SimulatorOptions = {}): Promise<Simulator> {
  let options: SimulatorOptions = { ...initial }
  const stats: SimulatorStats = { requests: 0, ok: 0, rateLimited: 0, serverErrors: 0, timeouts: 0, badRequests: 0, inFlight: 0, peakInFlight: 0 }
  const hanging = new Set<http.ServerResponse>()
  // Requests already refused once by [sim:fail-once], by the sha256 of their body.
  const failedOnce = new Set<string>()

  const server = http.createServer((req, res) => {
    stats.inFlight++
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight)
    res.once('close', () => stats.inFlight--)
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      stats.requests++
      const requestId = `req_${hex(16)}`
      const send = (status: number, body: string, extra: Record<string, string> = {}) => {
        const write = () => {
          if (res.destroyed) return
          res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, [SIMULATED_HEADER]: '1', ...extra })
          res.end(body)
        }
        const latency = options.latencyMs ?? 0
        if (latency > 0) setTimeout(write, latency)
        else write()
      }
      const path = (req.url ?? '/').split('?')[0]!.replace(/^\/v1(?=\/)/, '')
      if (req.method === 'GET' && path === '/models') {
        send(200, JSON.stringify({ object: 'list', data: SIM_MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'batchboard-simulator' })) }))
        return
      }
      const handler = HANDLERS[path]
      if (req.method !== 'POST' || !handler) {
        send(404, errorBody(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error', null, null))
        return
      }
      const random = options.random ?? Math.random
      const roll = random()
      const timeoutRate = options.timeoutRate ?? 0
      const rateLimitRate = options.rateLimitRate ?? 0
      const errorRate = options.errorRate ?? 0
      if (roll < timeoutRate) {
        stats.timeouts++
        // Never answered: the client's timeout is what ends it.
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
      }
      if (roll < timeoutRate + rateLimitRate) {
        stats.rateLimited++
        const wait = options.retryAfterMs ?? 100
        send(429, errorBody('Rate limit reached for requests (simulated). Please try again shortly.', 'requests', null, 'rate_limit_exceeded'), {
          'retry-after-ms': String(wait),
          'retry-after': String(Math.ceil(wait / 1000)),
        })
        return
      }
      if (roll < timeoutRate + rateLimitRate + errorRate) {
        stats.serverErrors++
        send(500, errorBody('The server had an error while processing your request (simulated). Sorry about that!', 'server_error', null, null))
        return
      }
      let body: Json
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadRequest('The body must be a JSON object.', null)
        body = parsed as Json
        if (body.stream === true) throw new BadRequest('The simulator does not stream; set stream to false.', 'stream')
        const raw = Buffer.concat(chunks)
        if (raw.includes(SIM_FAIL_ONCE)) {
          const key = createHash('sha256').update(raw).digest('hex')
          if (!failedOnce.has(key)) {
            failedOnce.add(key)
            stats.badRequests++
            send(
              400,
              errorBody('Refused once on purpose ([sim:fail-once]); the same request succeeds next time.', 'invalid_request_error', null, 'simulated_failure'),
            )
            return
          }
        }
        const result = handler(body)
        stats.ok++
        send(200, JSON.stringify(result))
      } catch (error) {
        stats.badRequests++
        const param = error instanceof BadRequest ? error.param : null
        const message = error instanceof BadRequest ? error.message : 'We could not parse the JSON body of your request.'
        send(400, errorBody(message, 'invalid_request_error', param, error instanceof BadRequest ? null : 'invalid_json'))
      }
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    stats,
    configure(next) {
      options = { ...options, ...next }
    },
    close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
