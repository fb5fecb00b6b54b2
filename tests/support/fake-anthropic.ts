import type http from 'node:http'
import { randomBytes } from 'node:crypto'
import { startFakeProviderServer, type FakeProviderServer } from '@/tests/support/fake-provider-server'

// A loopback server that speaks Anthropic's Message Batches API as documented, for driving the official SDK offline:
// - create/retrieve/list/cancel/delete/results: platform.claude.com/docs/en/api/messages/batches (and the TypeScript
//   SDK reference pages under platform.claude.com/docs/en/api/typescript/messages/batches/*)
// - results file: platform.claude.com/docs/en/build-with-claude/batch-processing ("Retrieving batch results")
// - error envelope {type: "error", error: {type, message}, request_id} and statuses: platform.claude.com/docs/en/api/errors
// - API version 2026-10-21 refuses sampling parameters ("temperature: Extra inputs are not permitted").

type Json = Record<string, unknown>
type Outcome = 'succeeded' | 'errored' | 'expired' | 'canceled'
type StoredBatch = {
  id: string
  created: number
  requests: { custom_id: string; params: Json }[]
  polls: number
  cancelAsked: number | null
  ended: number | null
  outcomes: Map<string, Outcome>
}

export type AnthropicFault = { status: number; type?: string; message?: string; headers?: Record<string, string> }

export type FakeAnthropic = FakeProviderServer<AnthropicFault> & {
  apiKey: string
  /** The requests of each created batch, as the server received them. */
  received: Map<string, { custom_id: string; params: Json }[]>
}

export type FakeAnthropicOptions = {
  /** Retrieves before a batch ends (default 1: the second retrieve sees it ended). */
  pollsToEnd?: number
  /** How each request ends; default: custom_ids containing "errored" / "expired" end so, the rest succeed. */
  outcome?: (customId: string) => Outcome
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const apiKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`
  const batches = new Map<string, StoredBatch>()
  const received = new Map<string, { custom_id: string; params: Json }[]>()
  const pollsToEnd = options.pollsToEnd ?? 1
  const outcomeOf = options.outcome ?? ((id: string) => (id.includes('errored') ? 'errored' : id.includes('expired') ? 'expired' : 'succeeded'))
  let baseURL = ''

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const requestId = `req_${randomBytes(12).toString('hex')}`
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers }).end(JSON.stringify(body))
  }
  const error = (res: http.ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { type: 'error', error: { type, message }, request_id: `req_${randomBytes(12).toString('hex')}` }, headers)

  const view = (batch: StoredBatch): Json => {
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 }
    for (const request of batch.requests) {
      const outcome = batch.ended === null ? null : batch.outcomes.get(request.custom_id)
      counts[outcome ?? 'processing']++
    }
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: batch.ended !== null ? 'ended' : batch.cancelAsked !== null ? 'canceling' : 'in_progress',
      request_counts: counts,
      created_at: iso(batch.created),
      expires_at: iso(batch.created + 24 * 3600_000),
      ended_at: iso(batch.ended),
      cancel_initiated_at: iso(batch.cancelAsked),
      archived_at: null,
      results_url: batch.ended === null ? null : `${baseURL}/v1/messages/batches/${batch.id}/results`,
    }
  }

  const end = (batch: StoredBatch) => {
    for (const request of batch.requests) batch.outcomes.set(request.custom_id, batch.cancelAsked !== null ? 'canceled' : outcomeOf(request.custom_id))
    batch.ended = Date.now()
  }

  const resultLine = (batch: StoredBatch, request: { custom_id: string; params: Json }) => {
    const outcome = batch.outcomes.get(request.custom_id)!
    if (outcome === 'errored')
      return {
        custom_id: request.custom_id,
        result: {
          type: 'errored',
          error: {
            type: 'error',
            error: { type: 'invalid_request_error', message: `messages.0.content: the request ${request.custom_id} was refused` },
            request_id: null,
          },
        },
      }
    if (outcome !== 'succeeded') return { custom_id: request.custom_id, result: { type: outcome } }
    const params = request.params
    const messages = Array.isArray(params.messages) ? (params.messages as Json[]) : []
    const tools = Array.isArray(params.tools) ? (params.tools as Json[]) : []
    // Image blocks (platform.claude.com/docs/en/build-with-claude/vision), counted so a test sees the image arrived.
    const images = messages
      .flatMap((message) => (Array.isArray(message.content) ? (message.content as Json[]) : []))
      .filter((block) => block.type === 'image').length
    const wantsTool = tools.length > 0 && typeof params.tool_choice === 'object' && (params.tool_choice as Json).type !== 'none'
    const content = wantsTool
      ? [{ type: 'tool_use', id: `toolu_${randomBytes(8).toString('hex')}`, name: String(tools[0]!.name), input: { city: 'Paris' } }]
      : [
          {
            type: 'text',
            text: `Answer to ${request.custom_id} (${messages.length} messages${params.system ? ', with a system prompt' : ''}${images ? `, with ${images} image` : ''})`,
          },
        ]
    return {
      custom_id: request.custom_id,
      result: {
        type: 'succeeded',
        message: {
          id: `msg_${randomBytes(12).toString('hex')}`,
          type: 'message',
          role: 'assistant',
          model: params.model,
          content,
          stop_reason: wantsTool ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 20, output_tokens: 7, cache_creation_input_tokens: 3, cache_read_input_tokens: 5, service_tier: 'batch' },
        },
      },
    }
  }

  const validateCreate = (body: unknown): string | null => {
    if (typeof body !== 'object' || body === null || !Array.isArray((body as Json).requests)) return 'requests: Field required'
    const requests = (body as Json).requests as unknown[]
    if (requests.length === 0 || requests.length > 100_000) return `requests: List should have at least 1 item and at most 100000 items`
    const seen = new Set<string>()
    for (const [index, request] of requests.entries()) {
      const r = request as Json
      if (typeof r.custom_id !== 'string' || !CUSTOM_ID.test(r.custom_id))
        return `requests.${index}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`
      if (seen.has(r.custom_id)) return `requests.${index}.custom_id: Duplicate custom_id '${r.custom_id}'`
      seen.add(r.custom_id)
      const params = r.params as Json | undefined
      if (!params || typeof params.model !== 'string') return `requests.${index}.params.model: Field required`
      if (typeof params.max_tokens !== 'number') return `requests.${index}.params.max_tokens: Field required`
      if (!Array.isArray(params.messages)) return `requests.${index}.params.messages: Field required`
      for (const key of ['temperature', 'top_p', 'top_k']) if (key in params) return `requests.${index}.params.${key}: Extra inputs are not permitted`
    }
    return null
  }

  const answerFault = (res: http.ServerResponse, fault: AnthropicFault) => {
    const type = fault.type ?? (fault.status === 429 ? 'rate_limit_error' : fault.status >= 500 ? 'api_error' : 'invalid_request_error')
    error(res, fault.status, type, fault.message ?? `Injected ${fault.status}`, fault.headers)
  }

  const fake = await startFakeProviderServer<AnthropicFault>((req, res, base) => {
    baseURL = base
    const { path, url } = req
    const auth = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '')
    if (auth !== apiKey) return error(res, 401, 'authentication_error', 'invalid x-api-key')
    if (!req.headers['anthropic-version']) return error(res, 400, 'invalid_request_error', 'anthropic-version: header is required')

    if (req.method === 'POST' && path === '/v1/messages/batches') {
      let body: unknown
      try {
        body = JSON.parse(req.body.toString('utf8'))
      } catch {
        return error(res, 400, 'invalid_request_error', 'The request body is not valid JSON.')
      }
      const invalid = validateCreate(body)
      if (invalid) return error(res, 400, 'invalid_request_error', invalid)
      const requests = (body as { requests: { custom_id: string; params: Json }[] }).requests
      const batch: StoredBatch = {
        id: `msgbatch_${randomBytes(12).toString('hex')}`,
        created: Date.now(),
        requests,
        polls: 0,
        cancelAsked: null,
        ended: null,
        outcomes: new Map(),
      }
      batches.set(batch.id, batch)
      received.set(batch.id, requests)
      return send(res, 200, view(batch))
    }
    if (req.method === 'GET' && path === '/v1/messages/batches') {
      const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 20))
      const all = [...batches.values()].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
      const after = url.searchParams.get('after_id')
      const start = after ? all.findIndex((batch) => batch.id === after) + 1 : 0
      const page = all.slice(start, start + limit)
      return send(res, 200, { data: page.map(view), has_more: start + limit < all.length, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null })
    }
    const match = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path)
    const batch = match ? batches.get(match[1]!) : undefined
    if (!match || !batch) return error(res, 404, 'not_found_error', `${match ? `No batch found with id ${match[1]}` : 'Not found'}`)
    const action = match[2] ?? ''
    if (req.method === 'GET' && action === '') {
      batch.polls++
      if (batch.ended === null && (batch.cancelAsked !== null || batch.polls > pollsToEnd)) end(batch)
      return send(res, 200, view(batch))
    }
    if (req.method === 'POST' && action === '/cancel') {
      if (batch.ended === null && batch.cancelAsked === null) batch.cancelAsked = Date.now()
      return send(res, 200, view(batch))
    }
    if (req.method === 'DELETE' && action === '') {
      if (batch.ended === null)
        return error(res, 400, 'invalid_request_error', `Batch ${batch.id} cannot be deleted while it is in progress. Cancel it and wait for it to end first.`)
      batches.delete(batch.id)
      return send(res, 200, { id: batch.id, type: 'message_batch_deleted' })
    }
    if (req.method === 'GET' && action === '/results') {
      if (batch.ended === null) return error(res, 400, 'invalid_request_error', `Batch ${batch.id} has not ended; its results are not available yet.`)
      res.writeHead(200, { 'content-type': 'application/x-jsonl' })
      for (const request of batch.requests) res.write(`${JSON.stringify(resultLine(batch, request))}\n`)
      return res.end()
    }
    return error(res, 404, 'not_found_error', 'Not found')
  }, answerFault)
  return { ...fake, apiKey, received }
}
