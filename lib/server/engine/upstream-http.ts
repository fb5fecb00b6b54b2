import 'server-only'
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
 * A signal of one request's own that aborts with `batchSignal`. A batch has up to maxConcurrency requests in flight, and
 * undici adds and removes an abort listener per request: on the batch's one AbortSignal (an EventTarget whose listeners
 * are a list) each removal walked the others, which took a tenth of a worker's CPU at 1,000 in flight. Here the batch's
 * signal has one listener for all its requests, which aborts those still in flight.
 */
const inFlightAborts = new WeakMap<AbortSignal, Set<AbortController>>()
function requestSignal(batchSignal: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController()
  if (batchSignal.aborted) controller.abort(batchSignal.reason)
  let live = inFlightAborts.get(batchSignal)
  if (!live) {
    const requests = (live = new Set())
    inFlightAborts.set(batchSignal, requests)
    batchSignal.addEventListener('abort', () => requests.forEach((request) => request.abort(batchSignal.reason)), { once: true })
  }
  live.add(controller)
  return { signal: controller.signal, done: () => live.delete(controller) }
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
  const request = requestSignal(signal)
  try {
    const response = await pool.request({
      method: 'POST',
      path: basePath + path,
      headers: { ...target.headers, 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: request.signal,
      // A non-streamed completion sends its headers with the body, so the headers timeout bounds the whole answer.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() }
  } catch (error) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted')
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) throw new UpstreamTimeoutError(timeoutMs)
    throw new UpstreamNetworkError(error)
  } finally {
    request.done()
  }
}
