// Constants shared by server and browser code. This module imports nothing, so anything may import it without a cycle.

/** The built-in engine's connection: made by the first migration, always present, the default. */
export const BUILTIN_CONNECTION_ID = 'builtin'

/** What the `kind` column of a connection may hold. */
export const CONNECTION_KINDS = ['builtin', 'openai', 'anthropic', 'gemini'] as const

/** The kinds a user adds in the app (the built-in engine is always there). */
export const PROVIDER_CONNECTION_KINDS = ['openai', 'anthropic', 'gemini'] as const

/** The `kind` of the built-in engine's connection (the same word as its id, but a different question). */
export const BUILTIN_CONNECTION_KIND = 'builtin'

/** A worker thread of the pool (lib/server/workers/pool.ts) stops after this long without a task. */
export const WORKER_IDLE_MS = 60 * 1000
