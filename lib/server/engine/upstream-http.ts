import 'server-only'
import http from 'node:http'
import https from 'node:https'

export type UpstreamResponse = { status: number; headers: http.IncomingHttpHeaders; text: string }

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

const agents = new Map<string, http.Agent>()

/** One keep-alive agent per upstream and size: reusing sockets is most of the speed of a busy batch. */
function agentFor(url: URL, maxSockets: number): http.Agent {
  const key = `${url.protocol}//${url.host}#${maxSockets}`
  let agent = agents.get(key)
  if (!agent) {
    const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const }
    agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options)
    agents.set(key, agent)
  }
  return agent
}

/** POSTs JSON with node:http (measurably cheaper per request than fetch) and reads the whole answer. */
export function postJson(
  target: { baseUrl: string; headers: Record<string, string>; maxConcurrency: number },
  path: string,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<UpstreamResponse> {
  const url = new URL(target.baseUrl.replace(/\/+$/, '') + path)
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      return
    }
    let settled = false
    const finish = (error: Error | null, value?: UpstreamResponse) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve(value!)
    }
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: agentFor(url, target.maxConcurrency),
        headers: { ...target.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => finish(null, { status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }))
        response.on('error', (error) => finish(new UpstreamNetworkError(error)))
      },
    )
    const timer = setTimeout(() => {
      finish(new UpstreamTimeoutError(timeoutMs))
      request.destroy()
    }, timeoutMs)
    const onAbort = () => {
      finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      request.destroy()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    request.on('error', (error) => finish(new UpstreamNetworkError(error)))
    request.end(body)
  })
}
