import { z } from 'zod'

// Also the schema of one BATCHBOARD_UPSTREAMS entry (upstreamSeedSchema in lib/config/env.ts), so an upstream seeded
// from the environment always passes here too (no trimming: a seed's name is matched as written); the form trims
// what a person typed. The messages are written for the form.

/** An HTTP header name (RFC 9110 token): anything else makes fetch throw before the request is sent. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export const saveUpstreamInput = z.object({
  /** Present when editing; without it an upstream of the same name is updated (how BATCHBOARD_UPSTREAMS seeds). */
  id: z.string().min(1).max(100).optional(),
  name: z.string().min(1, 'give the upstream a name').max(100, 'use at most 100 characters'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://localhost:11434/v1' }),
  /** Omitted keeps the stored key; null removes it. */
  apiKey: z.string().max(10_000, 'an API key is at most 10,000 characters').nullable().optional(),
  models: z
    .array(z.string().min(1, 'a model pattern may not be empty').max(200, 'a model pattern is at most 200 characters'))
    .min(1, 'list at least one model or pattern, e.g. llama* (or * for every model)')
    .default(['*']),
  maxConcurrency: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1024, 'must be at most 1,024')
    .default(8),
  timeoutMs: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1 second')
    .max(3_600_000, 'must be at most 1 hour')
    .default(600_000),
  headers: z
    .record(z.string(), z.string().max(10_000, 'a header value is at most 10,000 characters'))
    // A refinement rather than a key schema: zod reports a bad record key only as "Invalid key in record".
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'a header name is letters, digits and - only' })
      }
    })
    .default({}),
  /** Header names whose stored (write-only) value is kept; a value in `headers` wins. */
  keepHeaders: z.array(z.string().max(200)).max(100).default([]),
})

export type SaveUpstreamInput = z.input<typeof saveUpstreamInput>

export const upstreamIdInput = z.object({ id: z.string().min(1).max(100) })

export const modelRouteQuery = z.object({ model: z.string().trim().min(1, 'type a model name').max(200) })
