import type { Content, FunctionDeclaration, GenerationConfig, Part } from '@google/genai'
import {
  fail,
  isObject,
  maxTokensOf,
  readImageUrl,
  readOpenAILine,
  stopSequences,
  textOnly,
  unsupportedOption,
  type JsonObject,
  type Translated,
} from '@/lib/providers/openai-line'

// OpenAI chat and embedding lines → Gemini Batch Mode input lines `{key, request}`, from the Batch API guide
// (ai.google.dev/gemini-api/docs/batch-mode: "Input file") and the GenerateContentRequest / EmbedContentRequest
// references (ai.google.dev/api/generate-content, ai.google.dev/api/embeddings). Field names are the REST JSON ones.

/** A generateContent request as it goes in a Batch Mode input file. */
export type GeminiGenerateRequest = {
  contents: Content[]
  systemInstruction?: Content
  generationConfig?: GenerationConfig
  tools?: { functionDeclarations: FunctionDeclaration[] }[]
  // REST's FunctionCallingConfig; the SDK's type uses a runtime enum that would pull the SDK into the browser.
  toolConfig?: { functionCallingConfig: { mode: 'NONE' | 'AUTO' | 'ANY'; allowedFunctionNames?: string[] } }
}

/** An embedContent request (Batch Mode's asyncBatchEmbedContent takes one text per request). */
export type GeminiEmbedRequest = { content: Content; outputDimensionality?: number }

/** Which Batch Mode call runs the line: generateContent batches and embedding batches are separate batches. */
export type GeminiBatchKind = 'generate' | 'embed'

export type GeminiBatchLine = {
  kind: GeminiBatchKind
  /** The line's model as Gemini names it ("models/gemini-2.5-flash"); null for a native line that names none. */
  model: string | null
  line: { key: string; request: GeminiGenerateRequest | GeminiEmbedRequest | JsonObject }
}

const PROVIDER = 'Gemini'

export const geminiModelName = (model: string) => (model.startsWith('models/') ? model : `models/${model}`)

/** One parsed line → a Gemini Batch Mode line, or what to change. Lines already in Gemini's `{key, request}` format pass as they are. */
export function translateGeminiLine(value: unknown, line: number): Translated<GeminiBatchLine> {
  if (isObject(value) && typeof value.key === 'string' && isObject(value.request) && value.body === undefined) {
    const model = typeof value.request.model === 'string' ? geminiModelName(value.request.model) : null
    return { ok: true, request: { kind: isObject(value.request.content) ? 'embed' : 'generate', model, line: { key: value.key, request: value.request } } }
  }
  const parsed = readOpenAILine(value, line)
  if (!parsed.ok) return parsed
  const { customId, url, body } = parsed.request
  if (typeof body.model !== 'string' || body.model === '') return fail(line, 'body.model', 'Add "model": a Gemini model such as "gemini-2.5-flash".')
  const model = geminiModelName(body.model)
  if (url === '/v1/embeddings') {
    const request = translateEmbedding(body, line)
    return request.ok ? { ok: true, request: { kind: 'embed', model, line: { key: customId, request: request.request } } } : request
  }
  if (url !== '/v1/chat/completions')
    return fail(
      line,
      'url',
      `Gemini Batch Mode runs chat completions and embeddings: this line's url is "${url}". Send it to an OpenAI-compatible connection instead.`,
    )
  const request = translateChat(body, line)
  return request.ok ? { ok: true, request: { kind: 'generate', model, line: { key: customId, request: request.request } } } : request
}

function translateEmbedding(body: JsonObject, line: number): Translated<GeminiEmbedRequest> {
  const input = Array.isArray(body.input) && body.input.length === 1 ? body.input[0] : body.input
  if (typeof input !== 'string')
    return fail(line, 'body.input', 'Gemini\'s batch embeddings take one text per request: make "input" a single string (split a list into separate lines).')
  if (body.encoding_format !== undefined && body.encoding_format !== 'float')
    return fail(line, 'body.encoding_format', 'Gemini returns float embeddings only: remove "encoding_format" or set it to "float".')
  return {
    ok: true,
    request: { content: { parts: [{ text: input }] }, ...(typeof body.dimensions === 'number' ? { outputDimensionality: body.dimensions } : {}) },
  }
}

function translateChat(body: JsonObject, line: number): Translated<GeminiGenerateRequest> {
  const unsupported = unsupportedOption(body, PROVIDER)
  if (unsupported) return fail(line, `body.${unsupported.param}`, unsupported.message)
  const messages = translateMessages(body.messages, line)
  if (!messages.ok) return messages
  const request: GeminiGenerateRequest = { contents: messages.request.contents }
  if (messages.request.system.length > 0) request.systemInstruction = { parts: messages.request.system.map((text) => ({ text })) }

  const config: GenerationConfig = {}
  const maxTokens = maxTokensOf(body)
  if (maxTokens.value === null) return fail(line, `body.${maxTokens.param}`, `"${maxTokens.param}" must be a positive whole number.`)
  if (maxTokens.value !== undefined) config.maxOutputTokens = maxTokens.value
  const numbers: [string, 'temperature' | 'topP' | 'presencePenalty' | 'frequencyPenalty' | 'seed'][] = [
    ['temperature', 'temperature'],
    ['top_p', 'topP'],
    ['presence_penalty', 'presencePenalty'],
    ['frequency_penalty', 'frequencyPenalty'],
    ['seed', 'seed'],
  ]
  for (const [from, to] of numbers) {
    const value = body[from]
    if (value === undefined || value === null) continue
    if (typeof value !== 'number') return fail(line, `body.${from}`, `"${from}" must be a number.`)
    config[to] = value
  }
  if (body.stop !== undefined && body.stop !== null) {
    const stop = stopSequences(body.stop)
    if (!stop) return fail(line, 'body.stop', '"stop" must be a string or a list of strings.')
    config.stopSequences = stop
  }
  const format = body.response_format
  if (isObject(format) && format.type === 'json_object') config.responseMimeType = 'application/json'
  else if (isObject(format) && format.type === 'json_schema' && isObject(format.json_schema) && isObject(format.json_schema.schema)) {
    config.responseMimeType = 'application/json'
    // responseJsonSchema takes JSON Schema as OpenAI's response_format has it; responseSchema wants Gemini's OpenAPI subset.
    config.responseJsonSchema = format.json_schema.schema
  } else if (format !== undefined && format !== null && !(isObject(format) && format.type === 'text'))
    return fail(line, 'body.response_format', '"response_format" must be text, json_object or json_schema with a schema.')
  if (Object.keys(config).length > 0) request.generationConfig = config

  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) return fail(line, 'body.tools', '"tools" must be a list.')
    const declarations: FunctionDeclaration[] = []
    for (const [index, tool] of body.tools.entries()) {
      if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function) || typeof tool.function.name !== 'string')
        return fail(line, `body.tools[${index}]`, 'Only function tools translate to Gemini: {"type": "function", "function": {"name", "parameters"}}.')
      declarations.push({
        name: tool.function.name,
        ...(typeof tool.function.description === 'string' ? { description: tool.function.description } : {}),
        ...(tool.function.parameters !== undefined ? { parametersJsonSchema: tool.function.parameters } : {}),
      })
    }
    request.tools = [{ functionDeclarations: declarations }]
  }
  const choice = body.tool_choice
  if (choice !== undefined && choice !== null) {
    const mode = choice === 'none' ? 'NONE' : choice === 'auto' ? 'AUTO' : choice === 'required' ? 'ANY' : null
    if (mode) request.toolConfig = { functionCallingConfig: { mode } }
    else if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string')
      request.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } }
    else return fail(line, 'body.tool_choice', '"tool_choice" must be "none", "auto", "required" or {"type": "function", "function": {"name"}}.')
  }
  return { ok: true, request }
}

type Conversation = { system: string[]; contents: Content[] }

function translateMessages(value: unknown, line: number): Translated<Conversation> {
  if (!Array.isArray(value) || value.length === 0) return fail(line, 'body.messages', 'Add "messages": a non-empty list of chat messages.')
  const system: string[] = []
  const contents: Content[] = []
  // Gemini answers a function call by the function's name; OpenAI's tool message names only the call id.
  const toolNames = new Map<string, string>()
  for (const [index, message] of value.entries()) {
    const param = `body.messages[${index}]`
    if (!isObject(message)) return fail(line, param, 'Each message must be an object with "role" and "content".')
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOnly(message.content)
      if (text === null)
        return fail(line, `${param}.content`, "Gemini takes text-only system instructions: make this message's content a string or text parts.")
      system.push(text)
      continue
    }
    if (message.role === 'tool') {
      const name = typeof message.tool_call_id === 'string' ? toolNames.get(message.tool_call_id) : undefined
      if (!name) return fail(line, `${param}.tool_call_id`, '"tool_call_id" must name a tool call made earlier in this conversation.')
      const text = textOnly(message.content)
      if (text === null) return fail(line, `${param}.content`, "Make this tool result's content a string or text parts.")
      push(contents, 'user', [{ functionResponse: { name, response: { result: text } } }])
      continue
    }
    if (message.role !== 'user' && message.role !== 'assistant')
      return fail(line, `${param}.role`, `Gemini takes "system", "user", "assistant" and "tool" messages; "${String(message.role)}" does not translate.`)
    const parts = contentParts(message.content, `${param}.content`, line)
    if (!parts.ok) return parts
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      for (const [callIndex, call] of message.tool_calls.entries()) {
        const at = `${param}.tool_calls[${callIndex}]`
        if (!isObject(call) || typeof call.id !== 'string' || !isObject(call.function) || typeof call.function.name !== 'string')
          return fail(line, at, 'Each tool call needs "id" and "function": {"name", "arguments"}.')
        let args: unknown = {}
        try {
          args = typeof call.function.arguments === 'string' && call.function.arguments !== '' ? JSON.parse(call.function.arguments) : {}
        } catch {
          return fail(line, `${at}.function.arguments`, 'Gemini needs tool call arguments as a JSON object: this "arguments" string is not valid JSON.')
        }
        if (!isObject(args)) return fail(line, `${at}.function.arguments`, 'Gemini needs tool call arguments as a JSON object.')
        toolNames.set(call.id, call.function.name)
        parts.request.push({ functionCall: { name: call.function.name, args } })
      }
    }
    if (parts.request.length === 0) return fail(line, `${param}.content`, 'This message is empty: give it content.')
    push(contents, message.role === 'assistant' ? 'model' : 'user', parts.request)
  }
  if (contents.length === 0) return fail(line, 'body.messages', 'Gemini needs at least one user message besides the system instruction.')
  return { ok: true, request: { system, contents } }
}

function push(contents: Content[], role: 'user' | 'model', parts: Part[]) {
  const last = contents.at(-1)
  if (last && last.role === role && last.parts) last.parts.push(...parts)
  else contents.push({ role, parts })
}

function contentParts(content: unknown, param: string, line: number): Translated<Part[]> {
  if (content === null || content === undefined) return { ok: true, request: [] }
  if (typeof content === 'string') return { ok: true, request: content === '' ? [] : [{ text: content }] }
  if (!Array.isArray(content)) return fail(line, param, 'Content must be a string or a list of parts.')
  const parts: Part[] = []
  for (const [index, part] of content.entries()) {
    const at = `${param}[${index}]`
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') {
      parts.push({ text: part.text })
      continue
    }
    if (isObject(part) && part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      const image = readImageUrl(part.image_url.url)
      if (!image || image.kind !== 'base64')
        return fail(line, `${at}.image_url.url`, 'Gemini batch requests take images inline: give this image as a data:image/...;base64 URL.')
      parts.push({ inlineData: { mimeType: image.mediaType, data: image.data } })
      continue
    }
    return fail(
      line,
      `${at}.type`,
      `Content parts of type "${isObject(part) ? String(part.type) : typeof part}" do not translate to Gemini: use text and image_url parts.`,
    )
  }
  return { ok: true, request: parts }
}
