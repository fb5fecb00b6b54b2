import type { BatchCreateParams } from '@anthropic-ai/sdk/resources/messages/batches'
import type { ContentBlockParam, MessageParam, TextBlockParam, Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages'
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

// OpenAI chat completion lines → Anthropic Message Batches requests. Field by field from the Messages API reference
// (platform.claude.com/docs/en/api/messages) and the batch create reference
// (platform.claude.com/docs/en/api/typescript/messages/batches/create): custom_id ^[a-zA-Z0-9_-]{1,64}$, max_tokens
// required, system prompts top-level, tool calls as tool_use / tool_result blocks.

export type AnthropicBatchRequest = BatchCreateParams.Request

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/

export type AnthropicTranslateOptions = {
  /** The connection's default for lines that set no max_tokens: Anthropic requires one on every request. */
  defaultMaxTokens?: number | null
}

const PROVIDER = 'Anthropic'

/**
 * One parsed line → an Anthropic batch request, or what to change on the line. A line already in Anthropic's own
 * format (`{custom_id, params}`) is passed through as it is.
 */
export function translateAnthropicLine(value: unknown, line: number, options: AnthropicTranslateOptions = {}): Translated<AnthropicBatchRequest> {
  if (isObject(value) && isObject(value.params) && value.body === undefined) return nativeLine(value, line)
  const parsed = readOpenAILine(value, line)
  if (!parsed.ok) return parsed
  const { customId, url, body } = parsed.request
  if (url !== '/v1/chat/completions')
    return fail(
      line,
      'url',
      `Anthropic Message Batches run chat completions only: this line's url is "${url}". Send it to an OpenAI-compatible connection instead.`,
    )
  const id = checkCustomId(customId, line)
  if (id) return id

  const unsupported = unsupportedOption(body, PROVIDER)
  if (unsupported) return fail(line, `body.${unsupported.param}`, unsupported.message)
  for (const param of ['frequency_penalty', 'presence_penalty'])
    if (body[param] !== undefined && body[param] !== null && body[param] !== 0)
      return fail(line, `body.${param}`, `Anthropic has no ${param.replace('_', ' ')}: remove "${param}".`)
  if (body.seed !== undefined && body.seed !== null) return fail(line, 'body.seed', 'Anthropic has no seed: remove "seed".')
  if (body.reasoning_effort !== undefined && body.reasoning_effort !== null)
    return fail(
      line,
      'body.reasoning_effort',
      'reasoning_effort does not translate to Anthropic: remove it (or write the line in Anthropic\'s format with "thinking").',
    )

  if (typeof body.model !== 'string' || body.model === '') return fail(line, 'body.model', 'Add "model": an Anthropic model such as "claude-sonnet-4-5".')
  const maxTokens = maxTokensOf(body)
  if (maxTokens.value === null) return fail(line, `body.${maxTokens.param}`, `"${maxTokens.param}" must be a positive whole number.`)
  const max_tokens = maxTokens.value ?? options.defaultMaxTokens ?? null
  if (max_tokens === null)
    return fail(
      line,
      'body.max_completion_tokens',
      'Anthropic requires a maximum output length: set "max_completion_tokens" on this line, or a default max tokens on the connection.',
    )

  const messages = translateMessages(body.messages, line)
  if (!messages.ok) return messages
  const params: AnthropicBatchRequest['params'] = { model: body.model, max_tokens, messages: messages.request.messages }
  if (messages.request.system.length > 0) params.system = messages.request.system

  // API version 2026-10-21, which @anthropic-ai/sdk 1.x sends, refuses temperature, top_p and top_k at any value
  // ("temperature: Extra inputs are not permitted"); the SDK's types dropped them in the same release.
  for (const param of ['temperature', 'top_p'])
    if (body[param] !== undefined && body[param] !== null)
      return fail(line, `body.${param}`, `Anthropic's current API takes no sampling parameters: remove "${param}" (Claude models set their own).`)
  if (body.stop !== undefined && body.stop !== null) {
    const stop = stopSequences(body.stop)
    if (!stop) return fail(line, 'body.stop', '"stop" must be a string or a list of strings.')
    params.stop_sequences = stop
  }
  if (typeof body.user === 'string') params.metadata = { user_id: body.user }

  if (body.tools !== undefined && body.tools !== null) {
    const tools = translateTools(body.tools, line)
    if (!tools.ok) return tools
    params.tools = tools.request
  }
  const toolChoice = translateToolChoice(body.tool_choice, body.parallel_tool_calls, line)
  if (!toolChoice.ok) return toolChoice
  if (toolChoice.request) params.tool_choice = toolChoice.request

  const format = translateResponseFormat(body.response_format, line)
  if (!format.ok) return format
  if (format.request) params.output_config = { format: format.request }

  return { ok: true, request: { custom_id: customId, params } }
}

function checkCustomId(customId: string, line: number) {
  if (CUSTOM_ID.test(customId)) return null
  return fail(line, 'custom_id', `Anthropic accepts custom_ids of 1 to 64 letters, digits, "_" or "-": change "${customId.slice(0, 80)}".`)
}

function nativeLine(value: JsonObject, line: number): Translated<AnthropicBatchRequest> {
  if (typeof value.custom_id !== 'string') return fail(line, 'custom_id', 'Add a "custom_id" to this Anthropic-format line.')
  const id = checkCustomId(value.custom_id, line)
  if (id) return id
  const params = value.params as JsonObject
  if (typeof params.model !== 'string') return fail(line, 'params.model', 'Add "model" to "params".')
  if (typeof params.max_tokens !== 'number') return fail(line, 'params.max_tokens', 'Add "max_tokens" to "params": Anthropic requires it.')
  if (!Array.isArray(params.messages)) return fail(line, 'params.messages', 'Add "messages" to "params".')
  // Anthropic validates the rest itself; a line in its own format is the user's to shape.
  return { ok: true, request: { custom_id: value.custom_id, params: params as unknown as AnthropicBatchRequest['params'] } }
}

type Conversation = { system: TextBlockParam[]; messages: MessageParam[] }

function translateMessages(value: unknown, line: number): Translated<Conversation> {
  if (!Array.isArray(value) || value.length === 0) return fail(line, 'body.messages', 'Add "messages": a non-empty list of chat messages.')
  const system: TextBlockParam[] = []
  const messages: MessageParam[] = []
  for (const [index, message] of value.entries()) {
    const param = `body.messages[${index}]`
    if (!isObject(message)) return fail(line, param, 'Each message must be an object with "role" and "content".')
    const role = message.role
    if (role === 'system' || role === 'developer') {
      const text = textOnly(message.content)
      if (text === null) return fail(line, `${param}.content`, "Anthropic takes text-only system prompts: make this message's content a string or text parts.")
      system.push({ type: 'text', text })
      continue
    }
    if (role === 'tool') {
      const text = textOnly(message.content)
      if (typeof message.tool_call_id !== 'string')
        return fail(line, `${param}.tool_call_id`, 'Add "tool_call_id": the id of the tool call this message answers.')
      if (text === null) return fail(line, `${param}.content`, "Make this tool result's content a string or text parts.")
      append(messages, 'user', [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: text }])
      continue
    }
    if (role !== 'user' && role !== 'assistant')
      return fail(line, `${param}.role`, `Anthropic takes "system", "user", "assistant" and "tool" messages; "${String(role)}" does not translate.`)
    const blocks = contentBlocks(message.content, `${param}.content`, line)
    if (!blocks.ok) return blocks
    if (role === 'assistant' && message.tool_calls !== undefined && message.tool_calls !== null) {
      const calls = toolUseBlocks(message.tool_calls, `${param}.tool_calls`, line)
      if (!calls.ok) return calls
      blocks.request.push(...calls.request)
    }
    if (blocks.request.length === 0) return fail(line, `${param}.content`, 'This message is empty: give it content.')
    append(messages, role, blocks.request)
  }
  if (messages.length === 0) return fail(line, 'body.messages', 'Anthropic needs at least one user message besides the system prompt.')
  return { ok: true, request: { system, messages } }
}

// Anthropic wants tool results inside a user turn; consecutive same-role turns are joined into one.
function append(messages: MessageParam[], role: 'user' | 'assistant', blocks: ContentBlockParam[]) {
  const last = messages.at(-1)
  if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks)
  else messages.push({ role, content: blocks })
}

function contentBlocks(content: unknown, param: string, line: number): Translated<ContentBlockParam[]> {
  if (content === null || content === undefined) return { ok: true, request: [] }
  if (typeof content === 'string') return { ok: true, request: content === '' ? [] : [{ type: 'text', text: content }] }
  if (!Array.isArray(content)) return fail(line, param, 'Content must be a string or a list of parts.')
  const blocks: ContentBlockParam[] = []
  for (const [index, part] of content.entries()) {
    const at = `${param}[${index}]`
    if (!isObject(part)) return fail(line, at, 'Each content part must be an object with a "type".')
    if (part.type === 'text' && typeof part.text === 'string') {
      blocks.push({ type: 'text', text: part.text })
      continue
    }
    if (part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      const image = readImageUrl(part.image_url.url)
      if (!image) return fail(line, `${at}.image_url.url`, 'Give the image as an https:// URL or a data:image/...;base64 URL.')
      if (image.kind === 'url') blocks.push({ type: 'image', source: { type: 'url', url: image.url } })
      else {
        const mediaType = image.mediaType
        if (!isAnthropicImageType(mediaType))
          return fail(line, `${at}.image_url.url`, `Anthropic takes JPEG, PNG, GIF and WebP images; this one is ${mediaType}.`)
        blocks.push({ type: 'image', source: { type: 'base64', media_type: mediaType, data: image.data } })
      }
      continue
    }
    return fail(line, `${at}.type`, `Content parts of type "${String(part.type)}" do not translate to Anthropic: use text and image_url parts.`)
  }
  return { ok: true, request: blocks }
}

const ANTHROPIC_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const
const isAnthropicImageType = (type: string): type is (typeof ANTHROPIC_IMAGE_TYPES)[number] => (ANTHROPIC_IMAGE_TYPES as readonly string[]).includes(type)

function toolUseBlocks(value: unknown, param: string, line: number): Translated<ContentBlockParam[]> {
  if (!Array.isArray(value)) return fail(line, param, '"tool_calls" must be a list.')
  const blocks: ContentBlockParam[] = []
  for (const [index, call] of value.entries()) {
    const at = `${param}[${index}]`
    if (!isObject(call) || typeof call.id !== 'string' || !isObject(call.function) || typeof call.function.name !== 'string')
      return fail(line, at, 'Each tool call needs "id" and "function": {"name", "arguments"}.')
    let input: unknown = {}
    if (typeof call.function.arguments === 'string' && call.function.arguments !== '') {
      try {
        input = JSON.parse(call.function.arguments)
      } catch {
        return fail(line, `${at}.function.arguments`, 'Anthropic needs tool call arguments as a JSON object: this "arguments" string is not valid JSON.')
      }
    }
    if (!isObject(input)) return fail(line, `${at}.function.arguments`, 'Anthropic needs tool call arguments as a JSON object.')
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input })
  }
  return { ok: true, request: blocks }
}

function translateTools(value: unknown, line: number): Translated<Tool[]> {
  if (!Array.isArray(value)) return fail(line, 'body.tools', '"tools" must be a list.')
  const tools: Tool[] = []
  for (const [index, tool] of value.entries()) {
    const at = `body.tools[${index}]`
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function) || typeof tool.function.name !== 'string')
      return fail(line, at, 'Only function tools translate to Anthropic: {"type": "function", "function": {"name", "parameters"}}.')
    const parameters = tool.function.parameters ?? { type: 'object', properties: {} }
    if (!isObject(parameters) || parameters.type !== 'object')
      return fail(line, `${at}.function.parameters`, 'Tool parameters must be a JSON schema with "type": "object".')
    tools.push({
      name: tool.function.name,
      ...(typeof tool.function.description === 'string' ? { description: tool.function.description } : {}),
      input_schema: { ...parameters, type: 'object' },
    })
  }
  return { ok: true, request: tools }
}

function translateToolChoice(value: unknown, parallel: unknown, line: number): Translated<ToolChoice | null> {
  const disable_parallel_tool_use = parallel === false ? { disable_parallel_tool_use: true } : {}
  if (value === undefined || value === null) return { ok: true, request: parallel === false ? { type: 'auto', disable_parallel_tool_use: true } : null }
  if (value === 'none') return { ok: true, request: { type: 'none' } }
  if (value === 'auto') return { ok: true, request: { type: 'auto', ...disable_parallel_tool_use } }
  if (value === 'required') return { ok: true, request: { type: 'any', ...disable_parallel_tool_use } }
  if (isObject(value) && value.type === 'function' && isObject(value.function) && typeof value.function.name === 'string')
    return { ok: true, request: { type: 'tool', name: value.function.name, ...disable_parallel_tool_use } }
  return fail(line, 'body.tool_choice', '"tool_choice" must be "none", "auto", "required" or {"type": "function", "function": {"name"}}.')
}

function translateResponseFormat(value: unknown, line: number): Translated<{ type: 'json_schema'; schema: JsonObject } | null> {
  if (value === undefined || value === null) return { ok: true, request: null }
  if (isObject(value) && value.type === 'text') return { ok: true, request: null }
  if (isObject(value) && value.type === 'json_schema' && isObject(value.json_schema) && isObject(value.json_schema.schema))
    return { ok: true, request: { type: 'json_schema', schema: value.json_schema.schema } }
  if (isObject(value) && value.type === 'json_object')
    return fail(
      line,
      'body.response_format',
      'Anthropic needs a schema for JSON output: use "response_format": {"type": "json_schema", "json_schema": {"schema": …}}.',
    )
  return fail(line, 'body.response_format', 'This "response_format" does not translate to Anthropic: use "text" or "json_schema" with a schema.')
}
