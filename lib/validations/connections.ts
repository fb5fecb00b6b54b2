import { z } from 'zod'
import { PROVIDER_CONNECTION_KINDS } from '@/lib/constants'

// Shared by the connection form, the server actions and OPENAI_* seeding. The messages are written for the form.

export const OPENAI_BASE_URL = 'https://api.openai.com/v1'

/** Each kind's own API, used when a connection names no base URL (the SDKs' defaults). */
export const DEFAULT_BASE_URLS: Record<(typeof PROVIDER_CONNECTION_KINDS)[number], string> = {
  openai: OPENAI_BASE_URL,
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
}

/** A number typed in a form field: text that is not one reads as NaN, which gets `message`, not zod's own words. */
const wholeNumber = (message: string) => z.number({ error: message }).int(message)

/** An optional text field: blank (or only spaces) means "none". */
const optionalText = (max: number, message: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? null : typeof value === 'string' ? value.trim() : value),
    z.string().max(max, message).nullable().default(null),
  )

const connectionFields = z.object({
  /** Present when editing. */
  id: z.string().min(1).max(100).optional(),
  /** Fixed when the connection is made; an edit keeps the stored kind. */
  kind: z.enum(PROVIDER_CONNECTION_KINDS).default('openai'),
  name: z.string().trim().min(1, 'give the connection a name').max(100, 'use at most 100 characters'),
  /** Empty: the kind's own API (DEFAULT_BASE_URLS). */
  baseUrl: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value),
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://api.openai.com/v1' }).optional(),
  ),
  /** Omitted (or empty) keeps the stored key; null removes it. */
  apiKey: z
    .string()
    .max(10_000, 'an API key is at most 10,000 characters')
    .refine((key) => !/\s/.test(key), 'an API key has no spaces or line breaks')
    .nullable()
    .optional(),
  organization: optionalText(200, 'an organization id is at most 200 characters'),
  project: optionalText(200, 'a project id is at most 200 characters'),
  /** OpenAI webhook signing secret (whsec_…), write-only like the key: omitted or empty keeps it, null removes it. */
  webhookSecret: z
    .string()
    .max(1000, 'a webhook secret is at most 1,000 characters')
    .refine((secret) => !/\s/.test(secret), 'a webhook secret has no spaces or line breaks')
    .nullable()
    .optional(),
  /** Anthropic: max_tokens for lines that set none; omitted keeps it, null removes it. */
  defaultMaxTokens: wholeNumber('a whole number of tokens, such as 1024')
    .min(1, 'at least 1 token')
    .max(1_000_000, 'at most 1,000,000 tokens')
    .nullable()
    .optional(),
})

/** A connection's own batch limits (lib/connections/limits.ts): omitted keeps them, null goes back to the kind's default. */
export const connectionLimitsInput = z.object({
  maxRequestsPerBatch: wholeNumber('a whole number of requests, such as 50000')
    .min(1, 'at least 1 request per batch')
    .max(10_000_000, 'at most 10,000,000 requests per batch')
    .nullable()
    .optional(),
  maxBytesPerBatch: wholeNumber('a number of MB, such as 200')
    .min(1024, 'at least 1 KB per batch')
    .max(100 * 1024 ** 3, 'at most 100 GB per batch')
    .nullable()
    .optional(),
  /** { "<model or glob>": tokens }: the provider's enqueued-token limit per model. */
  enqueuedTokenLimits: z
    .record(
      z.string().trim().min(1, 'name a model or a pattern such as gpt-4o*').max(200),
      wholeNumber('one `model = tokens` per line, such as gpt-4o* = 2000000').min(1, 'at least 1 token'),
    )
    .nullable()
    .optional(),
})

export const saveConnectionInput = connectionFields.extend(connectionLimitsInput.shape)

export type SaveConnectionInput = z.input<typeof saveConnectionInput>

export const connectionIdInput = z.object({ id: z.string().min(1).max(100) })

export type ConnectionLimitsInput = z.input<typeof connectionLimitsInput>
