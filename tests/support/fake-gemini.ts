import type http from 'node:http'
import { randomBytes } from 'node:crypto'
import { startFakeProviderServer, type FakeProviderServer } from '@/tests/support/fake-provider-server'

// A loopback server that speaks the Gemini API's Batch Mode and Files API as documented, for driving the official
// @google/genai SDK offline:
// - batches: ai.google.dev/api/batch-mode (models.batchGenerateContent, models.asyncBatchEmbedContent, batches.get /
//   list / cancel / delete; a batch is a long-running Operation whose metadata is the GenerateContentBatch, state
//   BATCH_STATE_*, output.responsesFile)
// - files: ai.google.dev/api/files (resumable upload: a "start" POST answered with X-Goog-Upload-URL, then
//   "upload, finalize" with the bytes, answered with x-goog-upload-status: final and {file}); download as the SDK
//   asks for it (files/{id}:download?alt=media)
// - input and responses files: ai.google.dev/gemini-api/docs/batch-mode ({key, request} in; {key, response} or
//   {key, error} out, in input order)
// - errors: {error: {code, message, status}} (ai.google.dev/gemini-api/docs/troubleshooting)

type Json = Record<string, unknown>
type StoredFile = { name: string; displayName: string; mimeType: string; bytes: Buffer; created: number }
type StoredBatch = {
  name: string
  model: string
  displayName: string
  kind: 'generate' | 'embed'
  inputFile: string
  created: number
  polls: number
  state: string
  ended: number | null
  responsesFile: string | null
}

export type GeminiFault = { status: number; rpcStatus?: string; message?: string; headers?: Record<string, string> }

export type FakeGemini = FakeProviderServer<GeminiFault> & {
  apiKey: string
  /** Each uploaded file's lines, by file name. */
  uploads: Map<string, Json[]>
}

export type FakeGeminiOptions = { pollsToEnd?: number }

const RPC_FOR_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const apiKey = `AIza${randomBytes(18).toString('base64url')}`
  const pollsToEnd = options.pollsToEnd ?? 1
  const files = new Map<string, StoredFile>()
  const pending = new Map<string, { displayName: string; mimeType: string; chunks: Buffer[] }>()
  const batches = new Map<string, StoredBatch>()
  const uploads = new Map<string, Json[]>()
  let baseURL = ''

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body))
  const error = (res: http.ServerResponse, code: number, status: string, message: string, headers: Record<string, string> = {}) =>
    send(res, code, { error: { code, message, status } }, headers)

  const fileView = (file: StoredFile) => ({
    name: file.name,
    displayName: file.displayName,
    mimeType: file.mimeType,
    sizeBytes: String(file.bytes.length),
    createTime: new Date(file.created).toISOString(),
    updateTime: new Date(file.created).toISOString(),
    uri: `${baseURL}/v1beta/${file.name}`,
    state: 'ACTIVE',
    source: 'UPLOADED',
  })

  const operation = (batch: StoredBatch) => {
    const lines = uploads.get(batch.inputFile) ?? []
    const done = batch.ended !== null
    const metadata: Json = {
      '@type': `type.googleapis.com/google.ai.generativelanguage.v1beta.${batch.kind === 'embed' ? 'EmbedContentBatch' : 'GenerateContentBatch'}`,
      model: batch.model,
      displayName: batch.displayName,
      inputConfig: { fileName: batch.inputFile },
      createTime: new Date(batch.created).toISOString(),
      updateTime: new Date(batch.ended ?? batch.created).toISOString(),
      ...(done ? { endTime: new Date(batch.ended!).toISOString() } : {}),
      batchStats: { requestCount: String(lines.length), pendingRequestCount: done ? '0' : String(lines.length) },
      state: batch.state,
      name: batch.name,
      ...(batch.responsesFile ? { output: { responsesFile: batch.responsesFile } } : {}),
    }
    return { name: batch.name, metadata, done, ...(done ? { response: { ...metadata, '@type': metadata['@type'] } } : {}) }
  }

  const answer = (batch: StoredBatch, line: Json): Json => {
    const key = String(line.key)
    if (key.includes('errored')) return { key, error: { code: 400, message: `Request ${key} contains an invalid argument.`, status: 'INVALID_ARGUMENT' } }
    if (key.includes('expired')) return { key, error: { code: 504, message: 'Deadline expired before operation could complete.', status: 'DEADLINE_EXCEEDED' } }
    const request = (line.request ?? {}) as Json
    if (batch.kind === 'embed') return { key, response: { embedding: { values: [0.1, 0.2, 0.3] } } }
    const contents = Array.isArray(request.contents) ? request.contents : []
    const tools = Array.isArray(request.tools) ? (request.tools as Json[]) : []
    const declarations = (tools[0]?.functionDeclarations ?? []) as Json[]
    const mode = ((request.toolConfig as Json | undefined)?.functionCallingConfig as Json | undefined)?.mode
    // Inline image parts (ai.google.dev/gemini-api/docs/image-understanding), counted so a test sees the image arrived.
    const images = contents.flatMap((content) => ((content as Json).parts ?? []) as Json[]).filter((part) => 'inlineData' in part).length
    const parts =
      declarations.length > 0 && mode === 'ANY'
        ? [{ functionCall: { name: declarations[0]!.name, args: { city: 'Paris' } } }]
        : [
            {
              text: `Answer to ${key} (${contents.length} turns${request.systemInstruction ? ', with a system instruction' : ''}${images ? `, with ${images} image` : ''})`,
            },
          ]
    return {
      key,
      response: {
        candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 8, thoughtsTokenCount: 4, cachedContentTokenCount: 6, totalTokenCount: 42 },
        modelVersion: batch.model.replace(/^models\//, ''),
        responseId: `resp-${randomBytes(6).toString('hex')}`,
      },
    }
  }

  const end = (batch: StoredBatch, state: string) => {
    batch.state = state
    batch.ended = Date.now()
    if (state !== 'BATCH_STATE_SUCCEEDED') return
    const lines = uploads.get(batch.inputFile) ?? []
    const name = `files/batch-${batch.name.split('/')[1]}`
    const bytes = Buffer.from(lines.map((line) => `${JSON.stringify(answer(batch, line))}\n`).join(''))
    files.set(name, { name, displayName: `${batch.displayName} responses`, mimeType: 'application/jsonl', bytes, created: Date.now() })
    batch.responsesFile = name
  }

  const answerFault = (res: http.ServerResponse, { status, rpcStatus, message, headers }: GeminiFault) =>
    error(res, status, rpcStatus ?? RPC_FOR_STATUS[status] ?? 'UNKNOWN', message ?? `Injected ${status}`, headers)

  const fake = await startFakeProviderServer<GeminiFault>((req, res, base) => {
    baseURL = base
    const { path, url } = req
    const uploadId = url.searchParams.get('upload_id')
    if (req.headers['x-goog-api-key'] !== apiKey && !uploadId) return error(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.')
    const raw = req.body
    const json = (): Json => {
      try {
        return JSON.parse(raw.toString('utf8')) as Json
      } catch {
        return {}
      }
    }

    if (req.method === 'POST' && path === '/upload/v1beta/files' && !uploadId) {
      if (req.headers['x-goog-upload-protocol'] !== 'resumable' || req.headers['x-goog-upload-command'] !== 'start')
        return error(res, 400, 'INVALID_ARGUMENT', 'Expected a resumable upload start.')
      const file = (json().file ?? {}) as Json
      const id = randomBytes(8).toString('hex')
      pending.set(id, {
        displayName: String(file.displayName ?? ''),
        mimeType: String(req.headers['x-goog-upload-header-content-type'] ?? file.mimeType ?? ''),
        chunks: [],
      })
      return send(
        res,
        200,
        {},
        { 'x-goog-upload-url': `${baseURL}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`, 'x-goog-upload-status': 'active' },
      )
    }
    if (req.method === 'POST' && path === '/upload/v1beta/files' && uploadId) {
      const upload = pending.get(uploadId)
      if (!upload) return error(res, 404, 'NOT_FOUND', 'No such upload.')
      upload.chunks.push(raw)
      if (!String(req.headers['x-goog-upload-command']).includes('finalize')) return send(res, 200, {}, { 'x-goog-upload-status': 'active' })
      pending.delete(uploadId)
      const name = `files/${randomBytes(6).toString('hex')}`
      const file: StoredFile = { name, displayName: upload.displayName, mimeType: upload.mimeType, bytes: Buffer.concat(upload.chunks), created: Date.now() }
      files.set(name, file)
      uploads.set(
        name,
        file.bytes
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Json),
      )
      return send(res, 200, { file: fileView(file) }, { 'x-goog-upload-status': 'final' })
    }
    const download = /^\/v1beta\/files\/([^/:]+):download$/.exec(path)
    if (req.method === 'GET' && download) {
      const file = files.get(`files/${download[1]}`)
      if (!file) return error(res, 404, 'NOT_FOUND', `File files/${download[1]} does not exist.`)
      return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.bytes)
    }
    const fileMatch = /^\/v1beta\/files\/([^/:]+)$/.exec(path)
    if (fileMatch && req.method === 'DELETE') {
      if (!files.delete(`files/${fileMatch[1]}`)) return error(res, 404, 'NOT_FOUND', `File files/${fileMatch[1]} does not exist.`)
      return send(res, 200, {})
    }
    const create = /^\/v1beta\/(models\/[^/:]+):(batchGenerateContent|asyncBatchEmbedContent)$/.exec(path)
    if (req.method === 'POST' && create) {
      const batch = (json().batch ?? {}) as Json
      // Proto3 JSON accepts both spellings; the SDK sends file_name for embedding batches.
      const inputConfig = (batch.inputConfig ?? {}) as Json
      const inputFile = String(inputConfig.fileName ?? inputConfig.file_name ?? '')
      if (!files.has(inputFile)) return error(res, 400, 'INVALID_ARGUMENT', `Input file ${inputFile} does not exist.`)
      const stored: StoredBatch = {
        name: `batches/${randomBytes(8).toString('hex')}`,
        model: create[1]!,
        displayName: String(batch.displayName ?? ''),
        kind: create[2] === 'asyncBatchEmbedContent' ? 'embed' : 'generate',
        inputFile,
        created: Date.now(),
        polls: 0,
        state: 'BATCH_STATE_PENDING',
        ended: null,
        responsesFile: null,
      }
      batches.set(stored.name, stored)
      return send(res, 200, operation(stored))
    }
    if (req.method === 'GET' && path === '/v1beta/batches') {
      const all = [...batches.values()].sort((a, b) => b.created - a.created || (a.name < b.name ? 1 : -1))
      const size = Number(url.searchParams.get('pageSize') ?? 50)
      const start = Number(url.searchParams.get('pageToken') ?? 0)
      const page = all.slice(start, start + size)
      return send(res, 200, { operations: page.map(operation), ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) })
    }
    const batchMatch = /^\/v1beta\/(batches\/[^/:]+)(:cancel)?$/.exec(path)
    const batch = batchMatch ? batches.get(batchMatch[1]!) : undefined
    if (!batchMatch || !batch) return error(res, 404, 'NOT_FOUND', batchMatch ? `Batch ${batchMatch[1]} not found.` : 'Not found.')
    if (req.method === 'GET' && !batchMatch[2]) {
      batch.polls++
      if (batch.ended === null && batch.polls > pollsToEnd) end(batch, 'BATCH_STATE_SUCCEEDED')
      else if (batch.ended === null) batch.state = 'BATCH_STATE_RUNNING'
      return send(res, 200, operation(batch))
    }
    if (req.method === 'POST' && batchMatch[2]) {
      if (batch.ended !== null) return error(res, 400, 'FAILED_PRECONDITION', `Batch ${batch.name} has already ended.`)
      end(batch, 'BATCH_STATE_CANCELLED')
      return send(res, 200, {})
    }
    if (req.method === 'DELETE' && !batchMatch[2]) {
      batches.delete(batch.name)
      return send(res, 200, {})
    }
    return error(res, 404, 'NOT_FOUND', 'Not found.')
  }, answerFault)
  return { ...fake, apiKey, uploads }
}
