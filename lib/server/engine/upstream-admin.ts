import 'server-only'
import { env } from '@/lib/server/env'
import { AppError, notFound } from '@/lib/server/http/errors'
import type { EngineUpstreams, UpstreamSummary, UpstreamTestResult } from '@/lib/types'
import type { SaveUpstreamInput } from '@/lib/validations/upstreams'
import { deleteUpstream, findUpstream, getUpstreamTarget, listUpstreams, saveUpstream } from './upstreams'

// What Connections → Built-in engine may do with upstreams. Upstreams from BATCHBOARD_UPSTREAMS are rewritten on
// every start, so the app refuses to change them rather than let an edit vanish at the next restart.

const readOnly = (name: string) =>
  new AppError(409, 'read_only', `'${name}' is set by BATCHBOARD_UPSTREAMS; change it there and restart Batchboard.`, { param: 'id' })

export async function getEngineUpstreams(): Promise<EngineUpstreams> {
  const upstreams = await listUpstreams()
  return { upstreams, simulator: { ...env.simulator, serves: upstreams.length === 0 ? 'all' : 'sim' } }
}

/** Adds (no id) or edits an upstream made in the app. Adding never replaces an upstream that has the name already. */
export async function saveAppUpstream(input: SaveUpstreamInput): Promise<UpstreamSummary> {
  const upstreams = await listUpstreams()
  if (input.id !== undefined) {
    const current = upstreams.find((upstream) => upstream.id === input.id)
    if (!current) throw notFound('upstream', input.id)
    if (current.source === 'env') throw readOnly(current.name)
  } else if (upstreams.some((upstream) => upstream.name === input.name)) {
    throw new AppError(409, 'name_taken', `An upstream named '${input.name}' already exists.`, { param: 'name' })
  }
  return saveUpstream(input, 'user')
}

export async function deleteAppUpstream(id: string): Promise<{ id: string }> {
  const current = await findUpstream(id)
  if (!current) throw notFound('upstream', id)
  if (current.source === 'env') throw readOnly(current.name)
  return deleteUpstream(id)
}

export const UPSTREAM_TEST_TIMEOUT_MS = 10_000

/** Replaces every secret (of 4+ characters) in text an upstream sent back: some servers echo the key they refused. */
function redact(text: string, secrets: string[]): string {
  let result = text
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('[redacted]')
  return result
}

function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown }
    if (body.error && typeof body.error === 'object' && typeof (body.error as { message?: unknown }).message === 'string')
      return (body.error as { message: string }).message
    for (const value of [body.error, body.message, body.detail]) if (typeof value === 'string') return value
  } catch {
    // Not JSON: the raw text is the message.
  }
  const trimmed = text.trim()
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed || '(empty body)'
}

function networkMessage(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `No answer within ${UPSTREAM_TEST_TIMEOUT_MS / 1000} s.`
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined
  if (cause && typeof cause.message === 'string') return `Could not reach the server: ${cause.message}`
  return `Could not reach the server: ${error instanceof Error ? error.message : String(error)}`
}

/** GET {baseUrl}/models with the upstream's key and headers: what the engine would meet, minus a real request. */
export async function testUpstream(id: string): Promise<UpstreamTestResult> {
  const target = await getUpstreamTarget(id)
  const secrets = Object.values(target.headers).flatMap((value) => [value, value.replace(/^Bearer /, '')])
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  let response: Response
  let text: string
  try {
    response = await fetch(`${target.baseUrl}/models`, {
      headers: { accept: 'application/json', ...target.headers },
      signal: AbortSignal.timeout(UPSTREAM_TEST_TIMEOUT_MS),
      cache: 'no-store',
    })
    text = await response.text()
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), status: null, message: redact(networkMessage(error), secrets) }
  }
  const latencyMs = elapsed()
  if (!response.ok) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
    return { ok: false, latencyMs, status: response.status, message: redact(`${status}: ${messageOf(text)}`, secrets) }
  }
  try {
    const body = JSON.parse(text) as { data?: unknown }
    if (Array.isArray(body.data)) {
      const models = body.data.flatMap((model: unknown) =>
        model && typeof model === 'object' && typeof (model as { id?: unknown }).id === 'string' ? [(model as { id: string }).id] : [],
      )
      return { ok: true, latencyMs, status: response.status, models: models.map((model) => redact(model, secrets)) }
    }
  } catch {
    // Falls through: answered, but not with a model list.
  }
  return {
    ok: false,
    latencyMs,
    status: response.status,
    message: redact(`${response.status}: the server answered, but not with a model list ({"data":[{"id":…}]}): ${messageOf(text)}`, secrets),
  }
}
