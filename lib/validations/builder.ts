import { z } from 'zod'
import { fileIdInput } from './files'

// The endpoints the builder writes requests for: the text ones a table row maps onto. Images and videos
// take no prompt template worth a table.
export const BUILDER_ENDPOINTS = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/moderations',
  '/v1/completions',
  '/v1/images/generations',
  '/v1/images/edits',
] as const
export type BuilderEndpoint = (typeof BUILDER_ENDPOINTS)[number]

const TEMPLATE_MAX = 100_000

/** Everything that turns a table row into a request: what a saved template stores. */
export const buildConfigSchema = z.object({
  endpoint: z.enum(BUILDER_ENDPOINTS),
  model: z.string().trim().max(200, 'use a model name of at most 200 characters'),
  systemPrompt: z.string().max(TEMPLATE_MAX, `use at most ${TEMPLATE_MAX.toLocaleString('en-US')} characters`),
  userPrompt: z.string().max(TEMPLATE_MAX, `use at most ${TEMPLATE_MAX.toLocaleString('en-US')} characters`),
  imageColumn: z.string().max(500).nullable(),
  temperature: z.number().min(0, 'temperature is between 0 and 2').max(2, 'temperature is between 0 and 2').nullable(),
  maxTokens: z.number().int('max tokens is a whole number').min(1, 'max tokens is at least 1').max(1_000_000).nullable(),
  /** JSON text of a JSON Schema for structured output; '' for plain text answers. */
  jsonSchema: z.string().max(TEMPLATE_MAX),
  /** The column that gives each request's custom_id; null numbers the rows (row-1, row-2, …). */
  customIdColumn: z.string().max(500).nullable(),
})

export type BuildConfig = z.infer<typeof buildConfigSchema>

export const DEFAULT_BUILD_CONFIG: BuildConfig = {
  endpoint: '/v1/chat/completions',
  model: '',
  systemPrompt: '',
  userPrompt: '',
  imageColumn: null,
  temperature: null,
  maxTokens: null,
  jsonSchema: '',
  customIdColumn: null,
}

export const templateNameSchema = z.string().trim().min(1, 'give the template a name').max(100, 'use a name of at most 100 characters')

export const saveTemplateInput = z.object({ name: templateNameSchema, config: buildConfigSchema })
export type SaveTemplateInput = z.infer<typeof saveTemplateInput>

export const templateIdInput = z.object({ templateId: z.string().regex(/^tpl_[0-9A-Za-z]{1,64}$/, 'not a template id') })

export const sourceTableParams = fileIdInput

/** A saved template as the browser sees it. */
export type SavedTemplate = { id: string; name: string; config: BuildConfig; updatedAt: string }

/**
 * First line of a source-table upload (`PUT /api/files/{fileId}/source-table`); every later line is one row,
 * `{ custom_id, values }`, in the order of the batch file's requests.
 */
export const sourceTableHeader = z.object({
  filename: z.string().trim().min(1).max(255),
  columns: z.array(z.string().max(1000)).min(1).max(10_000),
  firstRow: z.number().int().min(0),
  answerFields: z.array(z.string().max(1000)).max(1000).nullable(),
})
export type SourceTableHeader = z.infer<typeof sourceTableHeader>

export const sourceTableRow = z.object({ custom_id: z.string().min(1), values: z.array(z.string().nullable()) })
