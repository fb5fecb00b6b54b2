import { DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS } from '@/lib/jsonl'
import type { BuildConfig, BuilderEndpoint } from '@/lib/validations/builder'
import type { Cell, Table } from './table'
import { bindTemplate, compileTemplate, unknownPlaceholders, type BoundTemplate } from './template'

/** What each endpoint's request can carry, so the form shows only what applies. */
export type EndpointFeatures = { systemPrompt: boolean; image: boolean; temperature: boolean; maxTokens: boolean; jsonSchema: boolean }

export const ENDPOINT_FEATURES: Record<BuilderEndpoint, EndpointFeatures> = {
  '/v1/chat/completions': { systemPrompt: true, image: true, temperature: true, maxTokens: true, jsonSchema: true },
  '/v1/responses': { systemPrompt: true, image: true, temperature: true, maxTokens: true, jsonSchema: true },
  '/v1/completions': { systemPrompt: true, image: false, temperature: true, maxTokens: true, jsonSchema: false },
  '/v1/embeddings': { systemPrompt: false, image: false, temperature: false, maxTokens: false, jsonSchema: false },
  '/v1/moderations': { systemPrompt: false, image: true, temperature: false, maxTokens: false, jsonSchema: false },
  '/v1/images/generations': { systemPrompt: false, image: false, temperature: false, maxTokens: false, jsonSchema: false },
  '/v1/images/edits': { systemPrompt: false, image: true, temperature: false, maxTokens: false, jsonSchema: false },
}

const IMAGE_EDIT = '/v1/images/edits'

export type BuildIssueCode =
  | 'unknown_column'
  | 'missing_model'
  | 'empty_prompt'
  | 'invalid_json_schema'
  | 'empty_custom_id'
  | 'duplicate_custom_id'
  | 'invalid_image'
  | 'empty_request'
  | 'missing_value'
  | 'long_row'

export type BuildIssue = {
  /** Errors stop the file from being made; warnings only tell. */
  severity: 'error' | 'warning'
  code: BuildIssueCode
  message: string
  /** 1-based data row (the header is not counted); null for issues about the whole template. */
  row: number | null
}

export const MAX_LISTED_ISSUES = 100

export class IssueList {
  readonly listed: BuildIssue[] = []
  readonly counts: Partial<Record<BuildIssueCode, number>> = {}
  errorCount = 0
  warningCount = 0

  add(issue: BuildIssue): void {
    this.counts[issue.code] = (this.counts[issue.code] ?? 0) + 1
    if (issue.severity === 'error') this.errorCount++
    else this.warningCount++
    if (this.listed.length < MAX_LISTED_ISSUES) this.listed.push(issue)
  }
}

type JsonObject = Record<string, unknown>

export type BuildPlan = {
  /** Problems with the template itself: nothing is built while there are any. */
  problems: BuildIssue[]
  /** Top-level fields of the structured-output schema, in order; null for plain text answers. */
  answerFields: string[] | null
  /** The request line for one row; row issues go to `issues`. Null when the row cannot become a request. */
  requestFor(row: readonly Cell[], rowIndex: number, issues: IssueList): { customId: string; line: string } | null
}

const IMAGE_URL = /^(https?:\/\/\S+|data:image\/[a-z0-9.+-]+;base64,[a-z0-9+/=\s]+)$/i

/** Checks a configuration against a table's columns and prepares the per-row work. */
export function planBuild(config: BuildConfig, columns: readonly string[]): BuildPlan {
  const problems: BuildIssue[] = []
  const features = ENDPOINT_FEATURES[config.endpoint]
  const problem = (code: BuildIssueCode, message: string) => problems.push({ severity: 'error', code, message, row: null })
  const position = new Map(columns.map((name, index) => [name, index]))

  const templates: { label: string; text: string }[] = [{ label: 'user prompt', text: config.userPrompt }]
  if (features.systemPrompt) templates.unshift({ label: 'system prompt', text: config.systemPrompt })
  const bound: Record<string, BoundTemplate> = {}
  for (const { label, text } of templates) {
    const compiled = compileTemplate(text)
    for (const unknown of unknownPlaceholders(compiled, columns)) {
      problem(
        'unknown_column',
        `The ${label} uses {{${unknown.name}}}, but the table has no column named “${unknown.name}”. Use one of: ${columns.join(', ')}.`,
      )
    }
    bound[label] = bindTemplate(compiled, columns)
  }
  const user = bound['user prompt']!
  const system = features.systemPrompt ? bound['system prompt'] : undefined

  if (config.model.trim() === '') problem('missing_model', 'Choose a model: every request in a batch names the same one.')
  const imageIndex = features.image && config.imageColumn !== null ? position.get(config.imageColumn) : undefined
  if (features.image && config.imageColumn !== null && imageIndex === undefined) {
    problem('unknown_column', `The image column “${config.imageColumn}” is not in the table. Choose another column or none.`)
  }
  if (config.userPrompt.trim() === '' && (imageIndex === undefined || config.endpoint === IMAGE_EDIT)) {
    problem('empty_prompt', 'Write the user prompt: the text each row sends, with {{column}} where a value goes.')
  }
  if (config.endpoint === IMAGE_EDIT && config.imageColumn === null) {
    problem('unknown_column', 'Choose the image column: an image edit sends each row’s image with the prompt.')
  }
  const customIdIndex = config.customIdColumn === null ? undefined : position.get(config.customIdColumn)
  if (config.customIdColumn !== null && customIdIndex === undefined) {
    problem('unknown_column', `The custom_id column “${config.customIdColumn}” is not in the table. Choose another column, or number the rows.`)
  }

  let schema: JsonObject | null = null
  if (features.jsonSchema && config.jsonSchema.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(config.jsonSchema)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
      schema = parsed as JsonObject
    } catch {
      problem(
        'invalid_json_schema',
        'The response schema is not a JSON object. Paste a JSON Schema such as {"type": "object", "properties": {"sentiment": {"type": "string"}}}.',
      )
    }
  }
  const properties = schema?.properties
  const answerFields = schema === null ? null : typeof properties === 'object' && properties !== null ? Object.keys(properties) : []

  const seen = new Map<string, number>()
  const model = config.model.trim()

  function requestFor(row: readonly Cell[], rowIndex: number, issues: IssueList) {
    const rowNumber = rowIndex + 1
    let ok = true
    let customId = `row-${rowNumber}`
    if (customIdIndex !== undefined) {
      const value = row[customIdIndex] ?? ''
      if (value === '') {
        issues.add({
          severity: 'error',
          code: 'empty_custom_id',
          message: `Row ${rowNumber} has no value in “${config.customIdColumn}”, the custom_id column. Fill it in, or number the rows instead.`,
          row: rowNumber,
        })
        ok = false
      } else {
        customId = value
      }
    }
    const twin = seen.get(customId)
    if (twin !== undefined && ok) {
      issues.add({
        severity: 'error',
        code: 'duplicate_custom_id',
        message: `Row ${rowNumber} has the custom_id “${customId}” of row ${twin}; each must be unique. Choose a column with unique values, or number the rows.`,
        row: rowNumber,
      })
      ok = false
    } else if (ok) {
      seen.set(customId, rowNumber)
    }

    let image: string | null = null
    let imageMissing = false
    if (imageIndex !== undefined) {
      const value = (row[imageIndex] ?? '').trim()
      imageMissing = value === ''
      if (value !== '' && !IMAGE_URL.test(value)) {
        const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value
        issues.add({
          severity: 'error',
          code: 'invalid_image',
          message: `Row ${rowNumber}: “${shown}” in “${config.imageColumn}” is not an image URL. Use an http(s) URL or a data:image/…;base64 URL.`,
          row: rowNumber,
        })
        ok = false
      } else if (value !== '') image = value
    }

    const missing = user.missing(row)
    if (system) missing.push(...system.missing(row))
    if (imageMissing && config.imageColumn !== null) missing.push(config.imageColumn)
    if (missing.length > 0) {
      const names = [...new Set(missing)].map((name) => `“${name}”`).join(', ')
      issues.add({ severity: 'warning', code: 'missing_value', message: `Row ${rowNumber} has no value for ${names}.`, row: rowNumber })
    }

    const userText = user.render(row)
    const systemText = system?.render(row) ?? ''
    if (userText.trim() === '' && image === null) {
      issues.add({
        severity: 'error',
        code: 'empty_request',
        message: `Row ${rowNumber} would send an empty prompt: its values for the template are all empty. Fill them in or remove the row.`,
        row: rowNumber,
      })
      ok = false
    }
    if (config.endpoint === IMAGE_EDIT && image === null && ok) {
      issues.add({
        severity: 'error',
        code: 'invalid_image',
        message: `Row ${rowNumber} has no image to edit. Fill in its image or remove the row.`,
        row: rowNumber,
      })
      ok = false
    }
    if (!ok) return null
    const body = requestBody(config, model, systemText, userText, image, schema)
    // The one place text becomes JSON: quotes, newlines and control characters in cells are escaped here.
    return { customId, line: JSON.stringify({ custom_id: customId, method: 'POST', url: config.endpoint, body }) }
  }

  return { problems, answerFields, requestFor }
}

function requestBody(config: BuildConfig, model: string, system: string, user: string, image: string | null, schema: JsonObject | null): JsonObject {
  const withOptions = (body: JsonObject, maxTokensKey: string | null) => {
    if (config.temperature !== null) body.temperature = config.temperature
    if (config.maxTokens !== null && maxTokensKey !== null) body[maxTokensKey] = config.maxTokens
    return body
  }
  switch (config.endpoint) {
    case '/v1/chat/completions': {
      const messages: JsonObject[] = []
      if (system.trim() !== '') messages.push({ role: 'system', content: system })
      const content = image === null ? user : [...(user === '' ? [] : [{ type: 'text', text: user }]), { type: 'image_url', image_url: { url: image } }]
      messages.push({ role: 'user', content })
      // max_completion_tokens: OpenAI deprecated max_tokens for chat, and reasoning models refuse it.
      const body = withOptions({ model, messages }, 'max_completion_tokens')
      if (schema !== null) body.response_format = { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } }
      return body
    }
    case '/v1/responses': {
      const input =
        image === null
          ? user
          : [{ role: 'user', content: [...(user === '' ? [] : [{ type: 'input_text', text: user }]), { type: 'input_image', image_url: image }] }]
      const body: JsonObject = { model, input }
      if (system.trim() !== '') body.instructions = system
      withOptions(body, 'max_output_tokens')
      if (schema !== null) body.text = { format: { type: 'json_schema', name: 'answer', schema, strict: true } }
      return body
    }
    case '/v1/completions':
      return withOptions({ model, prompt: system.trim() === '' ? user : `${system}\n\n${user}` }, 'max_tokens')
    case '/v1/embeddings':
      return { model, input: user }
    case '/v1/moderations':
      return {
        model,
        input: image === null ? user : [...(user === '' ? [] : [{ type: 'text', text: user }]), { type: 'image_url', image_url: { url: image } }],
      }
    case '/v1/images/generations':
      return { model, prompt: user }
    case '/v1/images/edits':
      // OpenAI's JSON edit body: images by URL (https or data:) rather than multipart uploads.
      return { model, prompt: user, images: image === null ? [] : [{ image_url: image }] }
  }
}

export type PartLimits = { maxRequests: number; maxBytes: number }
export const DEFAULT_PART_LIMITS: PartLimits = { maxRequests: DEFAULT_MAX_REQUESTS, maxBytes: DEFAULT_MAX_BYTES }

/** One output file: a run of consecutive source rows. */
export type BuiltPart = {
  name: string
  lines: string[]
  customIds: string[]
  bytes: number
  /** 0-based index of the first source row in this part. */
  firstRow: number
}

/** UTF-8 length without encoding: called once per line of files up to 200 MB. */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** Cuts lines into files of at most `maxRequests` lines and `maxBytes` bytes, each line ending in "\n". */
export class PartSplitter {
  readonly parts: BuiltPart[] = []
  private current: BuiltPart | null = null

  constructor(
    private readonly baseName: string,
    private readonly limits: PartLimits = DEFAULT_PART_LIMITS,
  ) {}

  add(line: string, customId: string, rowIndex: number): void {
    const size = utf8Length(line) + 1
    const part = this.current
    if (part === null || part.lines.length >= this.limits.maxRequests || part.bytes + size > this.limits.maxBytes) {
      this.current = { name: '', lines: [line], customIds: [customId], bytes: size, firstRow: rowIndex }
      this.parts.push(this.current)
      return
    }
    part.lines.push(line)
    part.customIds.push(customId)
    part.bytes += size
  }

  finish(): BuiltPart[] {
    const several = this.parts.length > 1
    this.parts.forEach((part, index) => {
      part.name = several ? `${this.baseName}-part-${index + 1}.jsonl` : `${this.baseName}.jsonl`
    })
    return this.parts
  }
}

/** "reviews.csv" → "reviews": the stem generated files are named after. */
export function baseNameOf(filename: string): string {
  const stem = filename
    .replace(/\.[^.]*$/, '')
    .replace(/[/\\\0]/g, '_')
    .trim()
  return stem === '' ? 'batch' : stem.slice(0, 200)
}

export type BuildResult = {
  problems: BuildIssue[]
  issues: IssueList
  parts: BuiltPart[]
  answerFields: string[] | null
}

/**
 * Builds the whole table at once: for tests and small tables. The page's worker runs the same steps in
 * slices so it can give way to newer edits.
 */
export function buildBatchFile(table: Table, config: BuildConfig, options: { filename?: string; limits?: PartLimits } = {}): BuildResult {
  const plan = planBuild(config, table.columns)
  const issues = new IssueList()
  if (plan.problems.length > 0) return { problems: plan.problems, issues, parts: [], answerFields: plan.answerFields }
  const splitter = new PartSplitter(baseNameOf(options.filename ?? 'batch'), options.limits)
  table.rows.forEach((row, index) => {
    const request = plan.requestFor(row, index, issues)
    if (request) splitter.add(request.line, request.customId, index)
  })
  return { problems: [], issues, parts: issues.errorCount > 0 ? [] : splitter.finish(), answerFields: plan.answerFields }
}

export const partText = (part: BuiltPart) => (part.lines.length === 0 ? '' : `${part.lines.join('\n')}\n`)
