import 'server-only'
import pino, { type Logger } from 'pino'
import { env } from '@/lib/server/env'

// Anything shaped like a credential, wherever it hides in a message or a stack: providers echo refused keys,
// and an error may quote a header it was given.
const CREDENTIALS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  [/\b(sk|bb|whsec|sess)[-_][A-Za-z0-9_-]{8,}/g, '$1-[redacted]'],
]

/** The text with every credential-shaped word cut out. */
export function maskCredentials(text: string): string {
  return CREDENTIALS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text)
}

// Field names that hold secrets in objects we log (request headers, connection and upstream rows, env seeds).
// https://getpino.io/#/docs/redaction
const REDACT_PATHS = [
  'authorization',
  'cookie',
  'apiKey',
  'password',
  'secret',
  'token',
  '*.authorization',
  '*.cookie',
  '*.apiKey',
  '*.apiKeyEncrypted',
  '*.password',
  '*.secret',
  '*.token',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
]

function serializeError(error: unknown) {
  const serialized = pino.stdSerializers.errWithCause(error instanceof Error ? error : new Error(String(error)))
  return { ...serialized, message: maskCredentials(serialized.message), stack: maskCredentials(serialized.stack) }
}

function createLogger(): Logger {
  return pino(
    {
      level: env.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? maskCredentials(arg) : arg)) as Parameters<typeof method>)
        },
      },
    },
    // process.stdout rather than pino's own fd writer: Next, `npm run worker` and the tests all capture it.
    process.stdout,
  )
}

// One logger per process: Next's dev server re-evaluates modules, and instrumentation and routes are separate bundles.
const globalForLog = globalThis as unknown as { batchboardLogger?: Logger }

/** The process's structured logger: JSON lines on stdout at LOG_LEVEL. */
export const logger: Logger = globalForLog.batchboardLogger ?? createLogger()
globalForLog.batchboardLogger = logger

/** One line per answered request, at info (5xx at error, with the cause logged where it was caught). */
export function logRequest(fields: { method: string; route: string; status: number; durationMs: number; requestId?: string }) {
  const line = { ...fields, durationMs: Math.round(fields.durationMs * 10) / 10 }
  if (fields.status >= 500) logger.error(line, 'request')
  else logger.info(line, 'request')
}
