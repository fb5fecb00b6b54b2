import path from 'node:path'
import { z } from 'zod'
// Relative, not '@/': prisma.config.ts loads this file without the app's path aliases.
import { saveUpstreamInput } from '../validations/upstreams'

// Read by the CLI (npm start / npm test), prisma.config.ts and the server, so it must not import
// 'server-only'. Server code reads the parsed result from `@/lib/server/env`.

/** An unset variable and `FOO=` in a .env file mean the same thing: use the default. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema)

// BATCHBOARD_UPSTREAMS holds upstream API keys.
// DATABASE_URL may hold a PostgreSQL password.
const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN|UPSTREAMS|DATABASE_URL/i
const portMessage = 'must be a port number from 1 to 65535'
const rateMessage = 'must be a fraction from 0 to 1, e.g. 0.05'

const rate = optional(z.coerce.number({ error: rateMessage }).min(0, rateMessage).max(1, rateMessage).default(0))

/** One upstream in BATCHBOARD_UPSTREAMS: the fields (and limits) the upstream form saves, without its editing-only ones. */
export const upstreamSeedSchema = saveUpstreamInput.omit({ id: true, keepHeaders: true }).extend({ apiKey: z.string().max(10_000).optional() })

export type UpstreamSeed = z.infer<typeof upstreamSeedSchema>

const upstreamsMessage = 'must be a JSON array of upstreams, e.g. [{"name":"ollama","baseUrl":"http://localhost:11434/v1","models":["llama*"]}]'

const upstreams = optional(
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown
      } catch {
        ctx.addIssue({ code: 'custom', message: `${upstreamsMessage} (it is not valid JSON)` })
        return z.NEVER
      }
    })
    .pipe(z.array(upstreamSeedSchema, upstreamsMessage))
    .default([]),
)

const v1LimitsMessage = 'must be JSON such as {"maxRequestsPerFile":50000,"maxFileBytes":209715200,"enqueuedTokens":{"gpt-4o*":2000000}}'

/** OpenAI's per-batch limits, imposed by the built-in engine when set (BATCHBOARD_V1_LIMITS): to rehearse against them locally. */
export const v1LimitsSchema = z
  .object({
    maxRequestsPerFile: z.number().int().positive().optional(),
    maxFileBytes: z.number().int().positive().optional(),
    /** Enqueued input tokens per model name or glob (* and ?). */
    enqueuedTokens: z.record(z.string(), z.number().int().positive()).optional(),
  })
  .strict()

export type V1Limits = z.infer<typeof v1LimitsSchema>

const v1Limits = optional(
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown
      } catch {
        ctx.addIssue({ code: 'custom', message: `${v1LimitsMessage} (it is not valid JSON)` })
        return z.NEVER
      }
    })
    .pipe(v1LimitsSchema)
    .optional(),
)

export const envSchema = z.object({
  DATA_DIR: optional(z.string().default('./data')),
  DATABASE_URL: optional(
    z
      .string()
      .regex(
        /^(file:.+|postgres(ql)?:\/\/.+)/,
        'must be a SQLite file URL such as file:./data/batchboard.db or a PostgreSQL URL such as postgresql://user:password@host:5432/batchboard',
      )
      .optional(),
  ),
  PORT: optional(z.coerce.number({ error: portMessage }).int(portMessage).min(1, portMessage).max(65535, portMessage).default(3000)),
  HOSTNAME: optional(z.string().default('127.0.0.1')),
  LOG_LEVEL: optional(z.enum(['debug', 'info', 'warn', 'error'], 'must be one of debug, info, warn, error').default('info')),
  BATCHBOARD_API_KEY: optional(z.string().min(8, 'must be at least 8 characters').optional()),
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional()),
  BATCHBOARD_SECRET: optional(z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional()),
  BATCHBOARD_UPSTREAMS: upstreams,
  BATCHBOARD_AUTH: optional(z.enum(['on', 'off'], 'must be on or off').default('on')),
  BATCHBOARD_ENGINE: optional(z.enum(['on', 'off'], 'must be on or off').default('on')),
  BATCHBOARD_ENGINE_MAX_ATTEMPTS: optional(z.coerce.number().int().min(1).max(20).default(6)),
  BATCHBOARD_ENGINE_POLL_MS: optional(z.coerce.number().int().min(100).max(3_600_000).default(1_000)),
  BATCHBOARD_ENGINE_MAX_BATCHES: optional(z.coerce.number().int().min(1).max(64).default(4)),
  BATCHBOARD_SIMULATOR_LATENCY_MS: optional(z.coerce.number().int().min(0).max(600_000).default(0)),
  BATCHBOARD_SIMULATOR_CONCURRENCY: optional(z.coerce.number().int().min(1).max(1024).default(64)),
  BATCHBOARD_SIMULATOR_ERROR_RATE: rate,
  BATCHBOARD_SIMULATOR_RATE_LIMIT_RATE: rate,
  BATCHBOARD_SIMULATOR_TIMEOUT_RATE: rate,
  // The names the openai SDK reads; here they seed the "OpenAI" connection instead (the SDK is never left to read them).
  OPENAI_API_KEY: optional(z.string().max(10_000, 'must be at most 10,000 characters').optional()),
  OPENAI_BASE_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://api.openai.com/v1' }).optional()),
  OPENAI_ORG_ID: optional(z.string().max(200, 'must be at most 200 characters').optional()),
  OPENAI_PROJECT_ID: optional(z.string().max(200, 'must be at most 200 characters').optional()),
  OPENAI_WEBHOOK_SECRET: optional(z.string().max(1000, 'must be at most 1,000 characters').optional()),
  BATCHBOARD_PROVIDER_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(3_600_000).default(60_000)),
  BATCHBOARD_SYNC_INTERVAL_MS: optional(z.coerce.number().int().min(100).max(300_000).default(10_000)),
  BATCHBOARD_V1_LIMITS: v1Limits,
  // 2 GiB: a job input is split into batches of at most 200 MB, so the upload cap is the disk's concern, not OpenAI's.
  BATCHBOARD_MAX_UPLOAD_BYTES: optional(
    z.coerce
      .number()
      .int()
      .min(1024, 'must be at least 1024 bytes')
      .default(2 * 1024 ** 3),
  ),
})

// Paths come from the user's environment, not the source tree: keep the bundler from tracing them.
const resolvePath = (value: string) => path.resolve(/* turbopackIgnore: true */ value)
const defaultDatabaseUrl = (dataDir: string) => `file:${path.join(dataDir, 'batchboard.db')}`

export type Env = {
  dataDir: string
  databaseUrl: string
  databaseKind: DatabaseKind
  /** The SQLite file; null on PostgreSQL. */
  databasePath: string | null
  /** Where the data is, safe to show and log: the SQLite file, or the PostgreSQL URL without its credentials. */
  databaseLabel: string
  port: number
  hostname: string
  /** False only with BATCHBOARD_AUTH=off, which loadEnv allows on a loopback HOSTNAME alone. */
  authEnabled: boolean
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** A /v1 API key given by the operator (automation); keys made in the app are in the database. */
  apiKey: string | undefined
  /** A Bearer token that may read GET /metrics (and nothing else), for a Prometheus scraper. */
  metricsToken: string | undefined
  /** Encrypts secrets at rest; without it a key is generated once into DATA_DIR/secret.key. */
  secret: string | undefined
  upstreams: UpstreamSeed[]
  /** Whether the server process runs the engine's scheduler (off when only `npm run worker` should). */
  engineEnabled: boolean
  engineMaxAttempts: number
  /** How often the engine's scheduler looks for work when nothing wakes it (on PostgreSQL, LISTEN/NOTIFY wakes it). */
  enginePollMs: number
  /** Builtin batches one process runs at once. */
  engineMaxBatches: number
  simulator: { latencyMs: number; concurrency: number; errorRate: number; rateLimitRate: number; timeoutRate: number }
  /** OPENAI_API_KEY and friends: seed the "OpenAI" connection at start. Null when OPENAI_API_KEY is unset. */
  openai: { apiKey: string; baseUrl: string | undefined; organization: string | undefined; project: string | undefined } | null
  /** OpenAI webhook signing secret for /api/webhooks/openai, besides those set on connections. */
  openaiWebhookSecret: string | undefined
  /** How long one provider call may wait for an answer before it counts as a timeout. */
  providerTimeoutMs: number
  /** The shortest time between two looks at a running remote batch (BATCHBOARD_SYNC_INTERVAL_MS). */
  syncIntervalMs: number
  /** OpenAI's batch limits imposed by the engine (BATCHBOARD_V1_LIMITS); null: no limits. */
  v1Limits: V1Limits | null
  /** The largest file the dashboard's upload takes (BATCHBOARD_MAX_UPLOAD_BYTES); files over one batch's limit run as jobs. */
  maxUploadBytes: number
}

export type DatabaseKind = 'sqlite' | 'postgresql'

/** A PostgreSQL URL with its user name, password and query (which may carry a password) removed. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  } catch {
    return 'postgresql://(unparsable URL)'
  }
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`)
    this.name = 'EnvError'
  }
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

// Without a password anyone who can reach the port can spend the stored keys, so "off" needs a listener
// only this machine can reach. Checked on the raw values so it is reported alongside any other problem.
function authProblem(source: Record<string, string | undefined>): string | null {
  const hostname = source.HOSTNAME || '127.0.0.1'
  if (source.BATCHBOARD_AUTH !== 'off' || isLoopbackHost(hostname)) return null
  return `BATCHBOARD_AUTH: off is allowed only when HOSTNAME is a loopback address such as 127.0.0.1, but HOSTNAME is ${JSON.stringify(hostname)}. Remove BATCHBOARD_AUTH=off (and log in with the admin password), or listen on 127.0.0.1.`
}

/** Parses the environment, reporting every bad variable at once rather than the first. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source)
  const auth = authProblem(source)
  if (!parsed.success || auth) {
    const issues = parsed.success ? [] : parsed.error.issues
    throw new EnvError([
      ...issues.map((issue) => {
        const name = String(issue.path[0])
        // Echo the bad value to help fix typos, but never a secret's.
        const got = SECRET_NAME.test(name) ? '' : ` (got ${JSON.stringify(source[name])})`
        // Nested problems (an upstream in BATCHBOARD_UPSTREAMS) say which entry and field.
        const where = issue.path.length > 1 ? ` at ${issue.path.slice(1).join('.')}` : ''
        return `${name}${where}: ${issue.message}${got}`
      }),
      ...(auth ? [auth] : []),
    ])
  }
  const dataDir = resolvePath(parsed.data.DATA_DIR)
  const databaseUrl = parsed.data.DATABASE_URL ?? defaultDatabaseUrl(dataDir)
  const postgres = isPostgresUrl(databaseUrl)
  const databasePath = postgres ? null : resolvePath(databaseUrl.slice('file:'.length))
  return {
    dataDir,
    databaseUrl,
    databaseKind: postgres ? 'postgresql' : 'sqlite',
    databasePath,
    databaseLabel: databasePath ?? redactDatabaseUrl(databaseUrl),
    port: parsed.data.PORT,
    hostname: parsed.data.HOSTNAME,
    authEnabled: parsed.data.BATCHBOARD_AUTH === 'on',
    logLevel: parsed.data.LOG_LEVEL,
    apiKey: parsed.data.BATCHBOARD_API_KEY,
    metricsToken: parsed.data.METRICS_TOKEN,
    secret: parsed.data.BATCHBOARD_SECRET,
    upstreams: parsed.data.BATCHBOARD_UPSTREAMS,
    engineEnabled: parsed.data.BATCHBOARD_ENGINE === 'on',
    engineMaxAttempts: parsed.data.BATCHBOARD_ENGINE_MAX_ATTEMPTS,
    enginePollMs: parsed.data.BATCHBOARD_ENGINE_POLL_MS,
    engineMaxBatches: parsed.data.BATCHBOARD_ENGINE_MAX_BATCHES,
    simulator: {
      latencyMs: parsed.data.BATCHBOARD_SIMULATOR_LATENCY_MS,
      concurrency: parsed.data.BATCHBOARD_SIMULATOR_CONCURRENCY,
      errorRate: parsed.data.BATCHBOARD_SIMULATOR_ERROR_RATE,
      rateLimitRate: parsed.data.BATCHBOARD_SIMULATOR_RATE_LIMIT_RATE,
      timeoutRate: parsed.data.BATCHBOARD_SIMULATOR_TIMEOUT_RATE,
    },
    openai: parsed.data.OPENAI_API_KEY
      ? {
          apiKey: parsed.data.OPENAI_API_KEY,
          baseUrl: parsed.data.OPENAI_BASE_URL,
          organization: parsed.data.OPENAI_ORG_ID,
          project: parsed.data.OPENAI_PROJECT_ID,
        }
      : null,
    openaiWebhookSecret: parsed.data.OPENAI_WEBHOOK_SECRET,
    providerTimeoutMs: parsed.data.BATCHBOARD_PROVIDER_TIMEOUT_MS,
    syncIntervalMs: parsed.data.BATCHBOARD_SYNC_INTERVAL_MS,
    v1Limits: parsed.data.BATCHBOARD_V1_LIMITS ?? null,
    maxUploadBytes: parsed.data.BATCHBOARD_MAX_UPLOAD_BYTES,
  }
}

/** postgresql:// (or postgres://) selects PostgreSQL; a file: URL, or none, SQLite. */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url)

/** The database URL alone, for prisma.config.ts (which must not fail on unrelated variables). */
export function databaseUrlFromEnv(source: Record<string, string | undefined>): string {
  return source.DATABASE_URL || defaultDatabaseUrl(resolvePath(source.DATA_DIR || './data'))
}
