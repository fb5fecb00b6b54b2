import 'server-only'
import { isBatchStatus, type BatchStatus } from '@/lib/batch'
import { DESCRIPTION_KEY } from '@/lib/validations/batches'

/**
 * The Batch row's columns that a provider's batch object sets. Each is left out (undefined: Prisma keeps the
 * column) when the object does not carry it, and null only when the provider said null.
 */
export type MappedBatch = {
  status?: BatchStatus
  providerStatus?: string
  endpoint?: string
  model?: string | null
  completionWindow?: string
  metadata?: Record<string, string> | null
  description?: string | null
  errors?: { code: string | null; message: string | null; param: string | null; line: number | null }[] | null
  remoteInputFileId?: string | null
  remoteOutputFileId?: string | null
  remoteErrorFileId?: string | null
  requestCountTotal?: number
  requestCountCompleted?: number
  requestCountFailed?: number
  usageInputTokens?: bigint | null
  usageCachedTokens?: bigint | null
  usageOutputTokens?: bigint | null
  usageReasoningTokens?: bigint | null
  usageTotalTokens?: bigint | null
  createdAt?: Date
  inProgressAt?: Date | null
  expiresAt?: Date | null
  finalizingAt?: Date | null
  completedAt?: Date | null
  failedAt?: Date | null
  expiredAt?: Date | null
  cancellingAt?: Date | null
  cancelledAt?: Date | null
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const has = (object: Json, key: string) => Object.hasOwn(object, key)

/** Unix seconds (OpenAI), or a numeric / ISO string (some compatible servers). Anything else is "unknown". */
function toDate(value: unknown): Date | null | undefined {
  if (value === null) return null
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined
  if (seconds !== undefined) return Number.isFinite(seconds) && seconds > 0 ? new Date(Math.round(seconds * 1000)) : undefined
  if (typeof value === 'string') {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? undefined : new Date(parsed)
  }
  return undefined
}

const toCount = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined)
const toTokens = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? BigInt(Math.round(value)) : null)
const toId = (value: unknown) => (value === null ? null : typeof value === 'string' && value !== '' ? value : undefined)
const toText = (value: unknown) => (typeof value === 'string' ? value : null)

const TIMES = [
  ['in_progress_at', 'inProgressAt'],
  ['expires_at', 'expiresAt'],
  ['finalizing_at', 'finalizingAt'],
  ['completed_at', 'completedAt'],
  ['failed_at', 'failedAt'],
  ['expired_at', 'expiredAt'],
  ['cancelling_at', 'cancellingAt'],
  ['cancelled_at', 'cancelledAt'],
] as const

function toErrors(value: unknown): MappedBatch['errors'] {
  // OpenAI: { object: "list", data: [...] }; a bare array is accepted too.
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.data) ? value.data : null
  if (list === null) return null
  return list.filter(isObject).map((error) => ({
    code: toText(error.code),
    message: toText(error.message),
    param: toText(error.param),
    line: typeof error.line === 'number' ? error.line : null,
  }))
}

function toMetadata(value: unknown): Record<string, string> | null | undefined {
  if (value === null) return null
  if (!isObject(value)) return undefined
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  return entries.length === 0 ? null : Object.fromEntries(entries)
}

/**
 * A provider's batch object (OpenAI's shape, or a compatible server's) as Batch columns. Tolerant by design:
 * unknown fields are ignored, a missing field leaves the column alone, a malformed one is skipped rather than
 * failing the sync, and ids are kept as the opaque strings they are (LiteLLM's run to hundreds of characters).
 */
export function mapRemoteBatch(remote: unknown): MappedBatch {
  if (!isObject(remote)) return {}
  const mapped: MappedBatch = {}
  if (typeof remote.status === 'string' && isBatchStatus(remote.status)) mapped.status = remote.status
  if (typeof remote.provider_status === 'string' && remote.provider_status !== '') mapped.providerStatus = remote.provider_status
  if (typeof remote.endpoint === 'string' && remote.endpoint !== '') mapped.endpoint = remote.endpoint
  if (has(remote, 'model')) mapped.model = typeof remote.model === 'string' && remote.model !== '' ? remote.model : null
  if (typeof remote.completion_window === 'string' && remote.completion_window !== '') mapped.completionWindow = remote.completion_window
  if (has(remote, 'metadata')) {
    const metadata = toMetadata(remote.metadata)
    if (metadata !== undefined) {
      mapped.metadata = metadata
      mapped.description = metadata?.[DESCRIPTION_KEY] ?? null
    }
  }
  if (has(remote, 'errors')) mapped.errors = toErrors(remote.errors)
  for (const [key, column] of [
    ['input_file_id', 'remoteInputFileId'],
    ['output_file_id', 'remoteOutputFileId'],
    ['error_file_id', 'remoteErrorFileId'],
  ] as const) {
    const id = toId(remote[key])
    if (id !== undefined) mapped[column] = id
  }
  if (isObject(remote.request_counts)) {
    const counts = remote.request_counts
    const total = toCount(counts.total)
    const completed = toCount(counts.completed)
    const failed = toCount(counts.failed)
    if (total !== undefined) mapped.requestCountTotal = total
    if (completed !== undefined) mapped.requestCountCompleted = completed
    if (failed !== undefined) mapped.requestCountFailed = failed
  }
  // `usage` exists only on batches created after 2025-09-07 and is null until the provider fills it: keep what we have.
  if (isObject(remote.usage)) {
    const usage = remote.usage
    const input = toTokens(usage.input_tokens)
    const output = toTokens(usage.output_tokens)
    mapped.usageInputTokens = input
    mapped.usageOutputTokens = output
    mapped.usageCachedTokens = isObject(usage.input_tokens_details) ? toTokens(usage.input_tokens_details.cached_tokens) : null
    mapped.usageReasoningTokens = isObject(usage.output_tokens_details) ? toTokens(usage.output_tokens_details.reasoning_tokens) : null
    mapped.usageTotalTokens = toTokens(usage.total_tokens) ?? (input !== null && output !== null ? input + output : null)
  }
  const createdAt = toDate(remote.created_at)
  if (createdAt) mapped.createdAt = createdAt
  for (const [key, column] of TIMES) {
    if (!has(remote, key)) continue
    const date = toDate(remote[key])
    if (date !== undefined) mapped[column] = date
  }
  return mapped
}
