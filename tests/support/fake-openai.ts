import type http from 'node:http'
import { randomBytes } from 'node:crypto'
import { OPENAI_BATCH_ENDPOINTS } from '@/lib/jsonl/limits'
import { startFakeProviderServer, type FakeProviderServer } from '@/tests/support/fake-provider-server'

// A loopback server that speaks OpenAI's Files and Batch APIs as /work/shared/reference/openai-batch-api.md records
// them (the OpenAPI spec's /files, /files/{id}, /files/{id}/content, /batches, /batches/{id}, /batches/{id}/cancel):
// - objects: §2 (Batch, every key present, null where unset) and §3 (File, with the deprecated but required `status`);
// - lifecycle: §2 "Lifecycle" (validating → in_progress → finalizing → completed; cancelling → cancelled; 409 when
//   cancelling a completed or failed batch; a missing input file makes a created batch fail);
// - result lines: §4 "Output / error line" (successes in the output file, HTTP errors in the error file with
//   `response.body.error`, `batch_req_…` / `req_…` ids), output and error files with purpose `batch_output`;
// - errors: §1 "Error envelope" ({error: {message, type, param, code}}), `x-request-id` on every answer.
// A batch runs for `runMs` from its creation: request_counts advance with the time, so whoever polls it sees it move.

type Json = Record<string, unknown>
type Status = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'cancelling' | 'cancelled'
type StoredFile = { id: string; filename: string; purpose: string; created: number; content: Buffer }
type Request = { customId: string; line: number; model: string }
type StoredBatch = {
  id: string
  index: number
  created: number
  runMs: number
  endpoint: string
  inputFileId: string
  metadata: Json | null
  requests: Request[]
  errors: Json[] | null
  cancelAsked: number | null
  status: Status
  times: Partial<Record<'in_progress' | 'finalizing' | 'completed' | 'failed' | 'cancelling' | 'cancelled', number>>
  outputFileId: string | null
  errorFileId: string | null
}

export type OpenAIFault = { status: number; message?: string; type?: string; headers?: Record<string, string> }

export type FakeOpenAIStats = {
  batchesCreated: number
  batchesCompleted: number
  /** Provider calls by kind, as the fake received them. */
  calls: Record<'upload' | 'create' | 'retrieve' | 'list' | 'cancel' | 'content' | 'fileRetrieve' | 'fileDelete', number>
  /** Output and error files served through /files/{id}/content, and their bytes. */
  filesServed: number
  bytesServed: number
}

export type FakeOpenAI = FakeProviderServer<OpenAIFault> & {
  apiKey: string
  stats(): FakeOpenAIStats
}

export type FakeOpenAIOptions = {
  /** How long a batch runs from its creation to `completed` (by creation order, 0-based); default 300 ms. */
  runMs?: number | ((index: number) => number)
  /** Whether a line fails (an HTTP 400 in the error file); default every 50th line. */
  fails?: (customId: string, line: number) => boolean
}

const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals']
/** Shares of the run spent validating and finalizing; in_progress is the rest. */
const VALIDATING = 0.1
const FINALIZING = 0.15

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Math.floor(ms / 1000))
const hex = (bytes: number) => randomBytes(bytes).toString('hex')

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = `sk-proj-${hex(24)}`
  const files = new Map<string, StoredFile>()
  const batches = new Map<string, StoredBatch>()
  const runMsOf = typeof options.runMs === 'function' ? options.runMs : () => (options.runMs as number | undefined) ?? 300
  const fails = options.fails ?? ((_customId: string, line: number) => line % 50 === 0)
  let filesServed = 0
  let bytesServed = 0
  let batchesCompleted = 0

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${hex(16)}`, ...headers }).end(JSON.stringify(body))
  const error = (res: http.ServerResponse, status: number, message: string, extra: { type?: string; param?: string | null; code?: string | null } = {}) =>
    send(res, status, { error: { message, type: extra.type ?? 'invalid_request_error', param: extra.param ?? null, code: extra.code ?? null } })

  const fileView = (file: StoredFile): Json => ({
    id: file.id,
    object: 'file',
    bytes: file.content.length,
    created_at: seconds(file.created),
    // §3: purpose=batch files expire after 30 days by default.
    expires_at: seconds(file.created)! + 30 * 86_400,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
  })

  const storeFile = (filename: string, purpose: string, content: Buffer): StoredFile => {
    const file = { id: `file-${hex(12)}`, filename, purpose, created: Date.now(), content }
    files.set(file.id, file)
    return file
  }

  /** How many of the batch's requests have run by now (all once it is past in_progress). */
  const doneCount = (batch: StoredBatch, now: number) => {
    if (batch.status === 'finalizing' || batch.status === 'completed') return batch.requests.length
    if (batch.status !== 'in_progress' && batch.status !== 'cancelling' && batch.status !== 'cancelled') return 0
    const end = batch.cancelAsked ?? now
    const share = ((end - batch.created) / batch.runMs - VALIDATING) / (1 - VALIDATING - FINALIZING)
    return Math.max(0, Math.min(batch.requests.length, Math.floor(share * batch.requests.length)))
  }

  const resultLine = (batch: StoredBatch, request: Request) => {
    const failed = fails(request.customId, request.line)
    const body = failed
      ? { error: { message: `The request ${request.customId} was refused by the fake provider.`, type: 'invalid_request_error', param: null, code: null } }
      : answer(batch.endpoint, request)
    return `${JSON.stringify({ id: `batch_req_${hex(12)}`, custom_id: request.customId, response: { status_code: failed ? 400 : 200, request_id: `req_${hex(12)}`, body }, error: null })}\n`
  }

  /** Writes the output and error files of the requests that ran (§4: output holds successes, error file failures). */
  const finish = (batch: StoredBatch, now: number) => {
    const ran = batch.requests.slice(0, doneCount(batch, now))
    const ok = ran.filter((request) => !fails(request.customId, request.line))
    const bad = ran.filter((request) => fails(request.customId, request.line))
    // §2: output_file_id is null when nothing succeeded, error_file_id null when nothing failed.
    if (ok.length) batch.outputFileId = storeFile(`${batch.id}_output.jsonl`, 'batch_output', Buffer.from(ok.map((r) => resultLine(batch, r)).join(''))).id
    if (bad.length) batch.errorFileId = storeFile(`${batch.id}_error.jsonl`, 'batch_output', Buffer.from(bad.map((r) => resultLine(batch, r)).join(''))).id
  }

  /** Moves a batch along its walk to where its age puts it. */
  const advance = (batch: StoredBatch, now: number) => {
    if (batch.status === 'failed' || batch.status === 'completed' || batch.status === 'cancelled') return
    if (batch.status === 'cancelling') {
      batch.times.cancelled = now
      finish(batch, now)
      batch.status = 'cancelled'
      return
    }
    const share = (now - batch.created) / batch.runMs
    if (batch.status === 'validating' && share >= VALIDATING) {
      batch.status = 'in_progress'
      batch.times.in_progress = now
    }
    if (batch.status === 'in_progress' && share >= 1 - FINALIZING) {
      batch.status = 'finalizing'
      batch.times.finalizing = now
    }
    if (batch.status === 'finalizing' && share >= 1) {
      finish(batch, now)
      batch.status = 'completed'
      batch.times.completed = now
      batchesCompleted++
    }
  }

  const batchView = (batch: StoredBatch, now: number): Json => {
    const done = batch.requests.slice(0, doneCount(batch, now))
    const failed = done.filter((request) => fails(request.customId, request.line)).length
    const usage =
      batch.status === 'completed'
        ? {
            input_tokens: done.length * 12,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: done.length * 9,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: done.length * 21,
          }
        : undefined
    return {
      id: batch.id,
      object: 'batch',
      endpoint: batch.endpoint,
      model: batch.requests[0]?.model ?? null,
      errors: batch.errors ? { object: 'list', data: batch.errors } : null,
      input_file_id: batch.inputFileId,
      completion_window: '24h',
      status: batch.status,
      output_file_id: batch.outputFileId,
      error_file_id: batch.errorFileId,
      created_at: seconds(batch.created),
      in_progress_at: seconds(batch.times.in_progress),
      expires_at: seconds(batch.created)! + 86_400,
      finalizing_at: seconds(batch.times.finalizing),
      completed_at: seconds(batch.times.completed),
      failed_at: seconds(batch.times.failed),
      expired_at: null,
      cancelling_at: seconds(batch.times.cancelling),
      cancelled_at: seconds(batch.times.cancelled),
      request_counts: { total: batch.errors ? 0 : batch.requests.length, completed: done.length - failed, failed },
      ...(usage ? { usage } : {}),
      metadata: batch.metadata,
    }
  }

  /** Reads the input file's lines; the first problems found fail the batch at validation, as OpenAI does (§4). */
  const readRequests = (file: StoredFile, endpoint: string): { requests: Request[]; errors: Json[] | null } => {
    const requests: Request[] = []
    const errors: Json[] = []
    const lines = file.content.toString('utf8').split('\n')
    for (const [index, text] of lines.entries()) {
      if (text.trim() === '') continue
      const line = index + 1
      let parsed: Json
      try {
        parsed = JSON.parse(text) as Json
      } catch {
        errors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', param: null, line })
        continue
      }
      if (typeof parsed.custom_id !== 'string') {
        errors.push({ code: 'missing_required_parameter', message: "Missing required parameter: 'custom_id'.", param: 'custom_id', line })
        continue
      }
      if (parsed.url !== endpoint) {
        errors.push({ code: 'invalid_url', message: 'The URL provided for this request does not match the batch endpoint.', param: 'url', line })
        continue
      }
      const body = (parsed.body ?? {}) as Json
      requests.push({ customId: parsed.custom_id, line, model: typeof body.model === 'string' ? body.model : 'unknown' })
    }
    if (requests.length === 0 && errors.length === 0) errors.push({ code: 'empty_file', message: 'The input file has no requests.', param: null, line: null })
    return { requests, errors: errors.length ? errors.slice(0, 100) : null }
  }

  const answerFault = (res: http.ServerResponse, fault: OpenAIFault) => {
    const type = fault.type ?? (fault.status === 429 ? 'rate_limit_error' : fault.status >= 500 ? 'server_error' : 'invalid_request_error')
    send(res, fault.status, { error: { message: fault.message ?? `Injected ${fault.status}`, type, param: null, code: null } }, fault.headers)
  }

  async function uploadFile(req: { headers: http.IncomingHttpHeaders; body: Buffer }, res: http.ServerResponse) {
    const type = req.headers['content-type'] ?? ''
    if (!type.startsWith('multipart/form-data')) return error(res, 400, 'The request must be multipart/form-data with a file and a purpose.')
    const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData()
    const file = form.get('file')
    const purpose = form.get('purpose')
    if (!(file instanceof Blob)) return error(res, 400, "Missing required parameter: 'file'.", { param: 'file', code: 'missing_required_parameter' })
    if (typeof purpose !== 'string' || !UPLOAD_PURPOSES.includes(purpose))
      return error(res, 400, `Invalid value for 'purpose': expected one of ${UPLOAD_PURPOSES.join(', ')}.`, { param: 'purpose', code: 'invalid_value' })
    const filename = 'name' in file && typeof file.name === 'string' ? file.name : 'unknown_file'
    // §1: a batch upload must be named .jsonl; bad lines are accepted here and only fail the batch at validation.
    if (purpose === 'batch' && !filename.endsWith('.jsonl')) return error(res, 400, 'Invalid file format for Batch API. Must be .jsonl')
    return send(res, 200, fileView(storeFile(filename, purpose, Buffer.from(await file.arrayBuffer()))))
  }

  function createBatch(body: Buffer, res: http.ServerResponse) {
    let params: Json
    try {
      params = JSON.parse(body.toString('utf8')) as Json
    } catch {
      return error(res, 400, 'The request body is not valid JSON.')
    }
    for (const name of ['input_file_id', 'endpoint', 'completion_window'])
      if (typeof params[name] !== 'string')
        return error(res, 400, `Missing required parameter: '${name}'.`, { param: name, code: 'missing_required_parameter' })
    const endpoint = params.endpoint as string
    // §3: the spec's endpoint enum.
    if (!OPENAI_BATCH_ENDPOINTS.some((known) => known === endpoint))
      return error(res, 400, `Invalid value: '${endpoint}'. Supported values are: ${OPENAI_BATCH_ENDPOINTS.map((e) => `'${e}'`).join(', ')}.`, {
        param: 'endpoint',
        code: 'invalid_value',
      })
    if (params.completion_window !== '24h')
      return error(res, 400, `Invalid value for 'completion_window': only '24h' is supported.`, { param: 'completion_window', code: 'invalid_value' })
    const now = Date.now()
    const inputFileId = params.input_file_id as string
    const input = files.get(inputFileId)
    const read = input
      ? readRequests(input, endpoint)
      : {
          requests: [],
          errors: [
            {
              code: 'invalid_request',
              param: 'file_id',
              line: null,
              message: `Cannot find file ${inputFileId}, or organization org-fake does not have access to it.`,
            },
          ],
        }
    const batch: StoredBatch = {
      id: `batch_${hex(16)}`,
      index: batches.size,
      created: now,
      runMs: runMsOf(batches.size),
      endpoint,
      inputFileId,
      metadata: (params.metadata as Json | undefined) ?? null,
      requests: read.errors ? [] : read.requests,
      errors: read.errors,
      cancelAsked: null,
      status: read.errors ? 'failed' : 'validating',
      times: read.errors ? { failed: now } : {},
      outputFileId: null,
      errorFileId: null,
    }
    batches.set(batch.id, batch)
    // §1: a missing input file still answers 200; the batch shows `failed` from then on.
    return send(res, 200, batchView(batch, now))
  }

  const fake = await startFakeProviderServer<OpenAIFault>((req, res) => {
    const { path, url, method } = req
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return error(res, 401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', {
        code: 'invalid_api_key',
      })
    const now = Date.now()

    if (method === 'POST' && path === '/v1/files') {
      void uploadFile(req, res).catch((cause: unknown) => error(res, 400, `The multipart body could not be read: ${String(cause)}`))
      return
    }
    if (method === 'POST' && path === '/v1/batches') return createBatch(req.body, res)
    if (method === 'GET' && path === '/v1/batches') {
      // §1: limit 1–100 (default 20), cursor `after`, newest first; has_more must be right for the SDK's paging.
      const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? 20)))
      const all = [...batches.values()].sort((a, b) => b.created - a.created || b.index - a.index)
      const after = url.searchParams.get('after')
      const start = after ? all.findIndex((batch) => batch.id === after) + 1 : 0
      const page = all.slice(start, start + limit)
      for (const batch of page) advance(batch, now)
      return send(res, 200, {
        object: 'list',
        data: page.map((batch) => batchView(batch, now)),
        first_id: page[0]?.id ?? null,
        last_id: page.at(-1)?.id ?? null,
        has_more: start + limit < all.length,
      })
    }
    const fileMatch = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path)
    if (fileMatch) {
      const file = files.get(fileMatch[1]!)
      if (!file) return error(res, 404, `No such File object: ${fileMatch[1]}`, { param: 'id' })
      if (method === 'GET' && fileMatch[2]) {
        filesServed++
        bytesServed += file.content.length
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.content.length), 'x-request-id': `req_${hex(16)}` })
        return res.end(file.content)
      }
      if (method === 'GET') return send(res, 200, fileView(file))
      if (method === 'DELETE') {
        files.delete(file.id)
        return send(res, 200, { id: file.id, object: 'file', deleted: true })
      }
    }
    const batchMatch = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path)
    if (batchMatch) {
      const batch = batches.get(batchMatch[1]!)
      if (!batch) return error(res, 404, `No batch found with id '${batchMatch[1]}'.`, { param: 'batch_id' })
      advance(batch, now)
      if (method === 'GET' && !batchMatch[2]) return send(res, 200, batchView(batch, now))
      if (method === 'POST' && batchMatch[2]) {
        // §2: 409 on completed or failed; cancelling a cancelled batch is allowed.
        if (batch.status === 'completed' || batch.status === 'failed') return error(res, 409, `Cannot cancel a batch with status '${batch.status}'.`)
        if (batch.status !== 'cancelled' && batch.status !== 'cancelling') {
          batch.cancelAsked = now
          batch.status = 'cancelling'
          batch.times.cancelling = now
        }
        return send(res, 200, batchView(batch, now))
      }
    }
    return error(res, 404, `Unknown request URL: ${method} ${path}.`, { code: 'unknown_url' })
  }, answerFault)

  const stats = (): FakeOpenAIStats => ({
    batchesCreated: batches.size,
    batchesCompleted,
    calls: {
      upload: fake.count('POST', /^\/v1\/files$/),
      create: fake.count('POST', /^\/v1\/batches$/),
      retrieve: fake.count('GET', /^\/v1\/batches\/[^/]+$/),
      list: fake.count('GET', /^\/v1\/batches$/),
      cancel: fake.count('POST', /^\/v1\/batches\/[^/]+\/cancel$/),
      content: fake.count('GET', /^\/v1\/files\/[^/]+\/content$/),
      fileRetrieve: fake.count('GET', /^\/v1\/files\/[^/]+$/),
      fileDelete: fake.count('DELETE', /^\/v1\/files\/[^/]+$/),
    },
    filesServed,
    bytesServed,
  })
  return { ...fake, apiKey, stats }
}

/** A success body for one request, in the endpoint's own shape (chat.completion, embeddings list, or a response). */
function answer(endpoint: string, request: Request): Json {
  const created = Math.floor(Date.now() / 1000)
  const text = `Fake answer to ${request.customId}.`
  if (endpoint === '/v1/embeddings')
    return {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789, request.line / 1000] }],
      model: request.model,
      usage: { prompt_tokens: 12, total_tokens: 12 },
    }
  if (endpoint === '/v1/responses')
    return {
      id: `resp_${hex(12)}`,
      object: 'response',
      created_at: created,
      status: 'completed',
      model: request.model,
      output: [{ type: 'message', id: `msg_${hex(12)}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
      usage: {
        input_tokens: 12,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 9,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 21,
      },
    }
  return {
    id: `chatcmpl-${hex(12)}`,
    object: 'chat.completion',
    created,
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 9,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: null,
  }
}
