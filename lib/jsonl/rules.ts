import { describeType, quote, type ErrorCollector } from './errors'
import { DEFAULT_MODELS } from './limits'

export type JsonObject = Record<string, unknown>

// What the rules remember across lines. Only `customIds` grows with the file (one entry per request);
// everything else is a handful of scalars.
export type FileState = {
  readonly supportedEndpoints: ReadonlySet<string>
  // Why an endpoint is not supported here, for the ones whose lines deserve more than "not supported".
  readonly endpointNotes: ReadonlyMap<string, string>
  endpoint: string | null
  // null when the endpoint was chosen for the batch rather than taken from a line
  endpointLine: number | null
  model: string | null
  modelLine: number | null
  // The line format of the file's first request, and that line: a file holds one (lib/jsonl/native.ts).
  format: 'openai' | 'anthropic' | 'gemini' | null
  formatLine: number | null
  // custom_id -> the line that first used it, so a duplicate can point at its twin
  readonly customIds: Map<string, number>
  // Past this many ids a duplicate goes unseen; the bound keeps a runaway file from growing the map without end.
  readonly maxTrackedIds: number
}

export type CheckedRequest = {
  // The line's own url when it is a supported endpoint, else null: a body is only interpreted for the
  // endpoint it was written for.
  endpoint: string | null
  body: JsonObject
}

type RequiredInput = { param: string; message: string }

const REQUIRED_INPUT: ReadonlyMap<string, RequiredInput> = new Map([
  [
    '/v1/chat/completions',
    {
      param: 'messages',
      message: 'Messages parameter is required. Add a "messages" array, e.g. [{"role": "user", "content": "Hello"}].',
    },
  ],
  ['/v1/responses', { param: 'input', message: 'Input parameter is required. Add "input" with the text or items to send.' }],
  ['/v1/embeddings', { param: 'input', message: 'Input parameter is required. Add "input" with the text to embed.' }],
  ['/v1/moderations', { param: 'input', message: 'Input parameter is required. Add "input" with the content to classify.' }],
  ['/v1/completions', { param: 'prompt', message: 'Prompt parameter is required. Add "prompt" with the text to complete.' }],
  ['/v1/images/generations', { param: 'prompt', message: 'Prompt parameter is required. Add "prompt" describing the image.' }],
  ['/v1/images/edits', { param: 'prompt', message: 'Prompt parameter is required. Add "prompt" describing the edit.' }],
  ['/v1/videos', { param: 'prompt', message: 'Prompt parameter is required. Add "prompt" describing the video.' }],
])

// OpenAI prefixes its streaming error with the API's name ("Chat Completions: Streaming is not supported…").
const API_NAMES: ReadonlyMap<string, string> = new Map([
  ['/v1/chat/completions', 'Chat Completions'],
  ['/v1/responses', 'Responses'],
  ['/v1/completions', 'Completions'],
  ['/v1/embeddings', 'Embeddings'],
  ['/v1/moderations', 'Moderations'],
  ['/v1/images/generations', 'Images'],
  ['/v1/images/edits', 'Images'],
  ['/v1/videos', 'Videos'],
])

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null
}

// Checks one parsed line against OpenAI's per-line rules, reporting every problem it finds, and returns the
// body when there is one to take facts from.
export function checkRequestLine(value: unknown, line: number, state: FileState, errors: ErrorCollector): CheckedRequest | null {
  if (!isJsonObject(value)) {
    errors.add(
      'invalid_json_line',
      `This line is valid JSON but ${describeType(value)}, not an object. Each line must be one JSON object with "custom_id", "method", "url" and "body".`,
      null,
      line,
    )
    return null
  }

  checkCustomId(value.custom_id, line, state, errors)
  checkMethod(value.method, line, errors)
  const endpoint = checkUrl(value.url, line, state, errors)

  const body = value.body
  if (isAbsent(body)) {
    errors.add(
      'missing_required_parameter',
      `Missing required parameter: 'body'. Add a "body" object with the request parameters for the endpoint.`,
      'body',
      line,
    )
    return null
  }
  if (!isJsonObject(body)) {
    errors.add(
      'invalid_request',
      `Invalid type for 'body': expected an object, but got ${describeType(body)} instead. Put the request parameters in a JSON object.`,
      'body',
      line,
    )
    return null
  }

  checkModel(body.model, endpoint ?? state.endpoint, line, state, errors)
  if (endpoint !== null) checkRequiredInput(body, endpoint, line, errors)
  if (body.stream === true) {
    const api = API_NAMES.get(endpoint ?? state.endpoint ?? '')
    errors.add(
      'streaming_unsupported',
      `${api ? `${api}: ` : ''}Streaming is not supported in the Batch API. Remove "stream": true from the body.`,
      'body.stream',
      line,
    )
  }
  return { endpoint, body }
}

function checkCustomId(customId: unknown, line: number, state: FileState, errors: ErrorCollector): void {
  if (isAbsent(customId)) {
    errors.add(
      'missing_required_parameter',
      `Missing required parameter: 'custom_id'. Add a "custom_id" that is unique within the file; results are matched to requests by it.`,
      'custom_id',
      line,
    )
    return
  }
  if (typeof customId !== 'string' || customId === '') {
    const got = customId === '' ? 'an empty string' : describeType(customId)
    errors.add(
      'invalid_request',
      `Invalid type for 'custom_id': expected a non-empty string, but got ${got} instead. Use a string such as "request-1".`,
      'custom_id',
      line,
    )
    return
  }
  const firstLine = state.customIds.get(customId)
  if (firstLine !== undefined) {
    errors.add(
      'duplicate_custom_id',
      `The custom_id ${quote(customId)} for this request is a duplicate of another request (line ${firstLine}). The custom_id parameter must be unique for each request in a batch; give one of them a new custom_id.`,
      'custom_id',
      line,
    )
  } else if (state.customIds.size < state.maxTrackedIds) {
    state.customIds.set(customId, line)
  }
}

function checkMethod(method: unknown, line: number, errors: ErrorCollector): void {
  if (isAbsent(method)) {
    errors.add('missing_required_parameter', `Missing required parameter: 'method'. Add "method": "POST".`, 'method', line)
  } else if (method !== 'POST') {
    const got = typeof method === 'string' ? quote(method) : describeType(method)
    errors.add('invalid_request', `Invalid value for 'method': ${got}. The Batch API only accepts POST requests; set "method": "POST".`, 'method', line)
  }
}

function checkUrl(url: unknown, line: number, state: FileState, errors: ErrorCollector): string | null {
  if (isAbsent(url)) {
    const hint = state.endpoint ? `"${state.endpoint}", the endpoint of this batch` : `the endpoint, e.g. "/v1/chat/completions"`
    errors.add('missing_required_parameter', `Missing required parameter: 'url'. Add "url" with ${hint}.`, 'url', line)
    return null
  }
  if (typeof url === 'string' && state.endpointNotes.has(url)) {
    errors.add('invalid_url', state.endpointNotes.get(url)!, 'url', line)
    return null
  }
  if (typeof url !== 'string' || !state.supportedEndpoints.has(url)) {
    const got = typeof url === 'string' ? `The URL ${quote(url)} is` : `A url of ${describeType(url)} is`
    errors.add('invalid_url', `${got} not a supported batch endpoint. Use one of: ${[...state.supportedEndpoints].join(', ')}.`, 'url', line)
    return null
  }
  if (state.endpoint === null) {
    state.endpoint = url
    state.endpointLine = line
  } else if (url !== state.endpoint) {
    const source = state.endpointLine === null ? 'the endpoint chosen for it' : `set by line ${state.endpointLine}`
    errors.add(
      'invalid_url',
      `The URL provided for this request does not match the batch endpoint '${state.endpoint}' (${source}). Use that url on every line, or move requests for ${quote(url)} to a file of their own.`,
      'url',
      line,
    )
  }
  return url
}

function checkModel(model: unknown, endpoint: string | null, line: number, state: FileState, errors: ErrorCollector): void {
  let name: string
  if (isAbsent(model) || model === '') {
    const fallback = endpoint === null ? undefined : DEFAULT_MODELS.get(endpoint)
    if (fallback === undefined) {
      errors.add(
        'invalid_request',
        `Model parameter is required. Add "model" to the body, e.g. "gpt-4o-mini"; every line must use the same model.`,
        'body.model',
        line,
      )
      return
    }
    name = fallback
  } else if (typeof model !== 'string') {
    errors.add(
      'invalid_request',
      `Invalid type for 'body.model': expected a string, but got ${describeType(model)} instead. Use the model name, e.g. "gpt-4o-mini".`,
      'body.model',
      line,
    )
    return
  } else {
    name = model
  }

  if (state.model === null) {
    state.model = name
    state.modelLine = line
  } else if (name !== state.model) {
    errors.add(
      'mismatched_model',
      `The model ${quote(name)} for this request does not match the rest of the batch (${quote(state.model)}, first used on line ${state.modelLine}). Each batch must contain requests for a single model; use that model here or move this request to a separate file.`,
      'body.model',
      line,
    )
  }
}

function checkRequiredInput(body: JsonObject, endpoint: string, line: number, errors: ErrorCollector): void {
  const required = REQUIRED_INPUT.get(endpoint)
  if (required === undefined) return
  const value = body[required.param]
  if (isAbsent(value)) {
    // A Responses request may take its input from a stored prompt instead.
    if (endpoint === '/v1/responses' && isJsonObject(body.prompt)) return
    errors.add('invalid_request', required.message, `body.${required.param}`, line)
    return
  }
  if (endpoint === '/v1/chat/completions' && !Array.isArray(value)) {
    errors.add(
      'invalid_request',
      `Invalid type for 'body.messages': expected an array of messages, but got ${describeType(value)} instead. Wrap the messages in [ ].`,
      'body.messages',
      line,
    )
  } else if (endpoint === '/v1/embeddings' && typeof value !== 'string' && !Array.isArray(value)) {
    errors.add(
      'invalid_request',
      `Invalid type for 'body.input': expected a string or an array, but got ${describeType(value)} instead. Send the text to embed as a string or a list of strings.`,
      'body.input',
      line,
    )
  } else if (IMAGE_ENDPOINTS.has(endpoint) && typeof value !== 'string') {
    errors.add(
      'invalid_request',
      `Invalid type for 'body.prompt': expected a string, but got ${describeType(value)} instead. Describe the image in words.`,
      'body.prompt',
      line,
    )
  }
  if (endpoint === '/v1/images/edits') checkEditImages(body, line, errors)
}

const IMAGE_ENDPOINTS: ReadonlySet<string> = new Set(['/v1/images/generations', '/v1/images/edits'])

// A JSON image edit names its input images by URL (https or a base64 data URL) or by an uploaded file's id: in
// `images: [{ image_url } | { file_id }]` as OpenAI's JSON edit body has it, or as the `image` URL(s) of the
// multipart form (https://platform.openai.com/docs/api-reference/images/createEdit).
function checkEditImages(body: JsonObject, line: number, errors: ErrorCollector): void {
  const { images, image } = body
  if (isAbsent(images) && isAbsent(image)) {
    errors.add(
      'invalid_request',
      `Image parameter is required. Add "images": [{"image_url": "https://…"}] (or a data:image/png;base64,… URL) with the image(s) to edit.`,
      'body.images',
      line,
    )
    return
  }
  if (!isAbsent(images)) {
    const refs = Array.isArray(images) ? images : null
    const bad = refs === null || refs.length === 0 ? -1 : refs.findIndex((ref) => !isImageRef(ref))
    if (refs === null || refs.length === 0 || bad !== -1) {
      const where = bad >= 0 ? `images[${bad}]` : 'images'
      errors.add(
        'invalid_request',
        `Invalid value for 'body.${where}': expected a list of {"image_url": "<https or data URL>"} or {"file_id": "file-…"} objects. Give each image to edit as one such object.`,
        `body.${where}`,
        line,
      )
    }
  }
  if (!isAbsent(image) && !(typeof image === 'string' || (Array.isArray(image) && image.length > 0 && image.every((item) => typeof item === 'string')))) {
    errors.add(
      'invalid_request',
      `Invalid type for 'body.image': expected an image URL (https or data:image/…;base64,…) or a list of them, but got ${describeType(image)} instead.`,
      'body.image',
      line,
    )
  }
}

function isImageRef(ref: unknown): boolean {
  return isJsonObject(ref) && (typeof ref.image_url === 'string' || typeof ref.file_id === 'string')
}
