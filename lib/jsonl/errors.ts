// Codes OpenAI reports in `batch.errors.data` where it has one (https://platform.openai.com/docs/api-reference/batch/object, `errors`).
// `empty_file`, `too_many_requests`, `file_too_large`, `too_many_embedding_inputs` and `invalid_utf8` are
// ours: OpenAI's codes for those cases are not recorded anywhere we could check.
export const BATCH_FILE_ERROR_CODES = [
  'invalid_json_line',
  'invalid_utf8',
  'missing_required_parameter',
  'invalid_request',
  'invalid_url',
  'streaming_unsupported',
  'duplicate_custom_id',
  'mismatched_model',
  'empty_file',
  'too_many_requests',
  'file_too_large',
  'too_many_embedding_inputs',
] as const

export type BatchFileErrorCode = (typeof BATCH_FILE_ERROR_CODES)[number]

// Findings about one batch's size rather than about the requests: they fail a single batch (as OpenAI's validation
// does), but a job splits the file into batches that fit, so they do not stop it from running as one.
export const BATCH_LIMIT_CODES: ReadonlySet<BatchFileErrorCode> = new Set(['too_many_requests', 'file_too_large', 'too_many_embedding_inputs'])

export const isBatchLimitError = (error: { code: string }) => BATCH_LIMIT_CODES.has(error.code as BatchFileErrorCode)

// Same shape as OpenAI's BatchError, so a report can be shown next to errors from a failed batch.
export type BatchFileError = {
  code: BatchFileErrorCode
  message: string
  param: string | null
  // 1-based; null for errors about the whole file.
  line: number | null
}

export function emptyErrorCounts(): Record<BatchFileErrorCode, number> {
  const counts = {} as Record<BatchFileErrorCode, number>
  for (const code of BATCH_FILE_ERROR_CODES) counts[code] = 0
  return counts
}

// A 200 MB file can have an error on every line; keeping the first few in full and counting the rest keeps
// memory flat and is all a person can read anyway.
export class ErrorCollector {
  readonly lineErrors: BatchFileError[] = []
  readonly fileErrors: BatchFileError[] = []
  readonly counts = emptyErrorCounts()
  total = 0

  constructor(private readonly maxErrors: number) {}

  add(code: BatchFileErrorCode, message: string, param: string | null, line: number | null): void {
    this.total++
    this.counts[code]++
    const error = { code, message, param, line }
    if (line === null) this.fileErrors.push(error)
    else if (this.lineErrors.length < this.maxErrors) this.lineErrors.push(error)
  }

  // File-level errors go first: they are the ones a user must fix before any line matters, and the cap
  // must never hide them behind a thousand line errors.
  list(): BatchFileError[] {
    return this.fileErrors.concat(this.lineErrors).slice(0, this.maxErrors)
  }
}

// User values end up in messages; a multi-megabyte custom_id must not be copied into every error.
export function quote(value: string, max = 80): string {
  return value.length > max ? `'${value.slice(0, max)}…'` : `'${value}'`
}

export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'object':
      return 'an object'
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    default:
      return typeof value
  }
}
