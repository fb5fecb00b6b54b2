import 'server-only'
import { z } from 'zod'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { describeType } from '@/lib/jsonl/errors'
import { db } from '@/lib/server/db'
import { cancelEngineBatch, createEngineBatch, ENGINE_ENDPOINTS, getEngineBatch, parseCompletionWindow } from '@/lib/server/engine'
import { readJsonBody } from '@/lib/server/http/body'
import { AppError } from '@/lib/server/http/errors'
import { EXPIRES_AFTER_MAX_SECONDS, EXPIRES_AFTER_MIN_SECONDS, METADATA_MAX_KEY, METADATA_MAX_PAIRS, METADATA_MAX_VALUE } from '@/lib/validations/batches'
import { V1Error, noSuchBatch } from './errors'
import { toOpenAIBatch, toOpenAIList } from './serializers'

export const batchListQuery = z.object({
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

// A create request is a few hundred bytes; 16 metadata pairs at their limits stay well under this.
const MAX_CREATE_BODY_BYTES = 64 * 1024

export const batchIdParams = z.object({ batchId: z.string().min(1).max(200) })

// OpenAI's `Metadata`, with the limits the dashboard's form checks.
const metadataSchema = z
  .record(z.string().max(METADATA_MAX_KEY), z.string().max(METADATA_MAX_VALUE))
  .refine((value) => Object.keys(value).length <= METADATA_MAX_PAIRS, `metadata may have at most ${METADATA_MAX_PAIRS} keys`)

export const createBatchBody = z.object({
  input_file_id: z.string().min(1).max(200),
  endpoint: z.string(),
  completion_window: z.string(),
  metadata: metadataSchema.nullable().optional(),
  output_expires_after: z
    .object({ anchor: z.literal('created_at'), seconds: z.number().int().min(EXPIRES_AFTER_MIN_SECONDS).max(EXPIRES_AFTER_MAX_SECONDS) })
    .optional(),
})

const valueAt = (value: unknown, path: PropertyKey[]) =>
  path.reduce<unknown>((current, key) => (current && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[key] : undefined), value)

/** zod's first complaint in OpenAI's words (missing_required_parameter, invalid_type, invalid_value). */
function toV1Error(error: z.ZodError, body: unknown): V1Error {
  const issue = error.issues[0]!
  const param = issue.path.map(String).join('.')
  const value = valueAt(body, issue.path)
  if (issue.code === 'invalid_type' && value === undefined)
    return new V1Error(400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' })
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'record' ? 'an object' : `a ${issue.expected}`
    return new V1Error(400, `Invalid type for '${param}': expected ${expected}, but got ${describeType(value)} instead.`, { param, code: 'invalid_type' })
  }
  return new V1Error(400, `Invalid value for '${param}': ${issue.message}.`, { param, code: 'invalid_value' })
}

export async function createV1Batch(request: Request) {
  let body: unknown
  try {
    body = await readJsonBody(request, MAX_CREATE_BODY_BYTES)
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_json') {
      throw new V1Error(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
      )
    }
    throw error
  }
  const parsed = createBatchBody.safeParse(body)
  if (!parsed.success) throw toV1Error(parsed.error, body)
  const input = parsed.data
  if (!(ENGINE_ENDPOINTS as readonly string[]).includes(input.endpoint)) {
    const supported = ENGINE_ENDPOINTS.map((endpoint) => `'${endpoint}'`).join(', ')
    throw new V1Error(400, `Invalid value: '${input.endpoint}'. Supported values are: ${supported}.`, { param: 'endpoint', code: 'invalid_value' })
  }
  if (parseCompletionWindow(input.completion_window) === null) {
    throw new V1Error(
      400,
      `Invalid value: '${input.completion_window}'. Supported values are: '24h' (Batchboard also accepts a number followed by s, m, h or d, from 10s to 30d).`,
      { param: 'completion_window', code: 'invalid_value' },
    )
  }
  const batch = await createEngineBatch({
    inputFileId: input.input_file_id,
    endpoint: input.endpoint,
    completionWindow: input.completion_window,
    metadata: input.metadata ?? null,
    outputExpiresAfterSeconds: input.output_expires_after?.seconds ?? null,
  })
  return toOpenAIBatch(batch)
}

/** Newest first, like OpenAI's; `after` is the id of the last batch of the previous page. */
export async function listV1Batches(query: z.infer<typeof batchListQuery>) {
  const rows = await db.batch.findMany({
    where: { connectionId: BUILTIN_CONNECTION_ID },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.after ? { cursor: { id: query.after }, skip: 1 } : {}),
  })
  return toOpenAIList(rows.map(toOpenAIBatch), query.limit)
}

async function withBatch<T>(batchId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof AppError && error.status === 404) throw noSuchBatch(batchId)
    throw error
  }
}

export const getV1Batch = (batchId: string) => withBatch(batchId, async () => toOpenAIBatch(await getEngineBatch(batchId)))
export const cancelV1Batch = (batchId: string) => withBatch(batchId, async () => toOpenAIBatch(await cancelEngineBatch(batchId)))
