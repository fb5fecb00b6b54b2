// OpenAI's published batch limits (https://platform.openai.com/docs/guides/batch, "Batch rate limits"). They are defaults, not constants of
// nature: the built-in engine and other providers allow more, so every one is an option of the validator.

// Spec enum and SDK BatchCreateParams; the set has grown over time, so callers may pass their own list.
export const OPENAI_BATCH_ENDPOINTS = [
  '/v1/responses',
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/videos',
] as const

export const DEFAULT_MAX_REQUESTS = 50_000

// OpenAI says "200 MB" without defining MB; we read it as MiB, the more lenient reading, so we never reject
// a file OpenAI would take. A file between 200,000,001 and 209,715,200 bytes may still be refused upstream.
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024

export const DEFAULT_MAX_EMBEDDING_INPUTS = 50_000

export const DEFAULT_MAX_ERRORS = 1_000

// A file over one batch's limit can still run as a job, whose results are matched to lines by custom_id, so ids are
// checked for duplicates well past maxRequests. The map costs about 100 bytes an id; past this many, duplicates go unseen.
export const MAX_TRACKED_CUSTOM_IDS = 1_000_000

// OpenAI fills in this model when a moderations body has none, so a missing model is not an error there
// and the file's model is the default.
export const DEFAULT_MODELS: ReadonlyMap<string, string> = new Map([['/v1/moderations', 'omni-moderation-latest']])
