import 'server-only'
import { EventEmitter } from 'node:events'
import { Pool, errors } from 'undici'

export type UpstreamResponse = { status: number; headers: Record<string, string | string[] | undefined>; text: string }

export class UpstreamTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The upstream did not answer within ${Math.round(timeoutMs / 1000)} s.`)
    this.name = 'UpstreamTimeoutError'
  }
}

export class UpstreamNetworkError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The upstream could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'UpstreamNetworkError'
  }
}

type Origin = { pool: Pool; basePath: string }
const origins = new Map<string, Origin>()

/** One keep-alive pool per upstream and size: reusing sockets is most of the speed of a busy batch. */
function originFor(baseUrl: string, connections: number): Origin {
  const key = `${baseUrl}#${connections}`
  let origin = origins.get(key)
  if (!origin) {
    const url = new URL(baseUrl.replace(/\/+$/, ''))
    origin = { pool: new Pool(url.origin, { connections, keepAliveTimeout: 30_000 }), basePath: url.pathname.replace(/\/+$/, '') }
    origins.set(key, origin)
  }
  return origin
}

/**
 * The abort signal undici gets for a batch's requests. undici adds and removes an abort listener per request, and on an
 * AbortSignal (an EventTarget) both walk the signal's list of listeners (adding looks for a duplicate), which is as long
 * as the requests in flight: with 1,000 of them, a tenth of a worker's CPU in a profile. An AbortController per request
 * costs more still. undici also takes an EventEmitter (`once`, `removeListener`, `aborted`, `reason`: undici's
 * lib/core/util.js addAbortListener); this one keeps its abort listeners in a Set, and one serves all of a batch's
 * requests.
 */
class BatchAbort extends EventEmitter {
  aborted: boolean
  reason: unknown
  private readonly abortListeners = new Set<(arg: unknown) => void>()

  constructor(signal: AbortSignal) {
    super()
    this.aborted = signal.aborted
    this.reason = signal.reason
    signal.addEventListener(
      'abort',
      () => {
        this.aborted = true
        this.reason = signal.reason
        const listeners = [...this.abortListeners]
        this.abortListeners.clear()
        for (const listener of listeners) listener(signal.reason)
      },
      { once: true },
    )
  }

  override once(event: string | symbol, listener: (arg: unknown) => void): this {
    if (event !== 'abort') return super.once(event, listener)
    this.abortListeners.add(listener)
    return this
  }

  override removeListener(event: string | symbol, listener: (arg: unknown) => void): this {
    if (event !== 'abort') return super.removeListener(event, listener)
    this.abortListeners.delete(listener)
    return this
  }
}

const batchAborts = new WeakMap<AbortSignal, BatchAbort>()
function abortFor(signal: AbortSignal): BatchAbort {
  let abort = batchAborts.get(signal)
  if (!abort) batchAborts.set(signal, (abort = new BatchAbort(signal)))
  return abort
}

/**
 * POSTs JSON and reads the whole answer. undici's pool costs about two thirds of node:http per request, and the
 * per-request cost is what bounds the engine against a fast local upstream (`npm run bench`, engine rows).
 */
export async function postJson(
  target: { baseUrl: string; headers: Record<string, string>; maxConcurrency: number },
  path: string,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<UpstreamResponse> {
  const { pool, basePath } = originFor(target.baseUrl, target.maxConcurrency)
  try {
    const response = await pool.request({
      method: 'POST',
      path: basePath + path,
      headers: { ...target.headers, 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: abortFor(signal),
      // A non-streamed completion sends its headers with the body, so the headers timeout bounds the whole answer.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() }
  } catch (error) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted')
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) throw new UpstreamTimeoutError(timeoutMs)
    throw new UpstreamNetworkError(error)
  }
}
