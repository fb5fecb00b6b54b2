import path from 'node:path'
import { z } from 'zod'

// Read by the CLI (npm start / npm test), prisma.config.ts and the server, so it must not import
// 'server-only'. Server code reads the parsed result from `@/lib/server/env`.

/** An unset variable and `FOO=` in a .env file mean the same thing: use the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema)

const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN/i
const portMessage = 'must be a port number from 1 to 65535'

export const envSchema = z.object({
  DATA_DIR: optional(z.string().default('./data')),
  DATABASE_URL: optional(
    z
      .string()
      .regex(/^file:.+/, 'must be a SQLite file URL such as file:./data/batchboard.db')
      .optional(),
  ),
  PORT: optional(z.coerce.number({ error: portMessage }).int(portMessage).min(1, portMessage).max(65535, portMessage).default(3000)),
  HOSTNAME: optional(z.string().default('127.0.0.1')),
  LOG_LEVEL: optional(z.enum(['debug', 'info', 'warn', 'error'], 'must be one of debug, info, warn, error').default('info')),
})

// Paths come from the user's environment, not the source tree: keep the bundler from tracing them.
const resolvePath = (value: string) => path.resolve(/* turbopackIgnore: true */ value)
const defaultDatabaseUrl = (dataDir: string) => `file:${path.join(dataDir, 'batchboard.db')}`

export type Env = {
  dataDir: string
  databaseUrl: string
  databasePath: string
  port: number
  hostname: string
  logLevel: 'debug' | 'info' | 'warn' | 'error'
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`)
    this.name = 'EnvError'
  }
}

/** Parses the environment, reporting every bad variable at once rather than the first. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0])
        // Echo the bad value to help fix typos, but never a secret's.
        const got = SECRET_NAME.test(name) ? '' : ` (got ${JSON.stringify(source[name])})`
        return `${name}: ${issue.message}${got}`
      }),
    )
  }
  const dataDir = resolvePath(parsed.data.DATA_DIR)
  const databaseUrl = parsed.data.DATABASE_URL ?? defaultDatabaseUrl(dataDir)
  return {
    dataDir,
    databaseUrl,
    databasePath: resolvePath(databaseUrl.slice('file:'.length)),
    port: parsed.data.PORT,
    hostname: parsed.data.HOSTNAME,
    logLevel: parsed.data.LOG_LEVEL,
  }
}

/** The database URL alone, for prisma.config.ts (which must not fail on unrelated variables). */
export function databaseUrlFromEnv(source: Record<string, string | undefined>): string {
  return source.DATABASE_URL || defaultDatabaseUrl(resolvePath(source.DATA_DIR || './data'))
}
