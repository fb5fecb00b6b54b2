import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the proxy does instead of forwarding: answer with a status, never answer, or send half the body and hang up.
 * `hold` forwards the request (the upstream acts on it) and never passes the answer on; `stall` passes on the headers
 * and half the body, then sends nothing more — the client dies or times out mid-download.
 */
export type Fault =
  | { status: number; headers?: Record<string, string>; message?: string; echoAuthorization?: boolean }
  /** Forwards the request at once and passes the answer on `delayMs` later: a slow upload or a slow provider. */
  | { delayMs: number }
  | 'hang'
  | 'truncate'
  | 'hold'
  | 'stall'

type Rule = { method: string; path: RegExp; fault: Fault; times: number }

export type FaultProxy = {
  baseURL: string
  /** Every request that reached the proxy, as "METHOD /path". */
  calls: string[]
  count(method: string, path: RegExp): number
  /** The next `times` requests matching method and path get `fault`. */
  fail(method: string, path: RegExp, fault: Fault, times?: number): void
  reset(): void
  close(): Promise<void>
}

/**
 * A loopback HTTP proxy in front of a /v1 server that counts calls and injects faults: provider errors, timeouts and
 * cut-off downloads that the real SDK then meets exactly as it would on the internet.
 */
export async function startFaultProxy(targetBaseURL: string): Promise<FaultProxy> {
  const target = new URL(targetBaseURL)
  const calls: string[] = []
  let rules: Rule[] = []
  const hanging = new Set<http.ServerResponse>()
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    calls.push(`${req.method} ${path}`)
    const rule = rules.find((candidate) => candidate.method === req.method && candidate.path.test(path) && candidate.times > 0)
    if (rule) rule.times--
    const fault = rule?.fault
    if (fault === 'hang') {
      hanging.add(res)
      req.resume()
      return
    }
    if (fault && typeof fault === 'object' && 'status' in fault) {
      req.resume()
      // Some servers put the key they refused into the message; echoAuthorization plays one.
      const message = `${fault.message ?? `Injected ${fault.status}`}${fault.echoAuthorization ? ` (you sent ${req.headers.authorization ?? 'nothing'})` : ''}`
      const body = JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(body)
      return
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        if (fault === 'hold') {
          hanging.add(res)
          answer.resume()
          return
        }
        if (fault && typeof fault === 'object') {
          hanging.add(res)
          answer.pause()
          setTimeout(() => {
            hanging.delete(res)
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }, fault.delayMs)
          return
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        if (fault === 'stall') {
          hanging.add(res)
          const chunks: Buffer[] = []
          answer.on('data', (chunk: Buffer) => chunks.push(chunk))
          answer.on('end', () => {
            const all = Buffer.concat(chunks)
            res.write(all.subarray(0, Math.max(1, Math.floor(all.length / 2))))
          })
          return
        }
        if (fault !== 'truncate') {
          answer.pipe(res)
          return
        }
        // Half the bytes, then the connection drops: Content-Length promised more.
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => {
          const all = Buffer.concat(chunks)
          res.write(all.subarray(0, Math.max(1, Math.floor(all.length / 2))))
          setTimeout(() => res.destroy(), 20)
        })
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseURL: `http://127.0.0.1:${port}${target.pathname}`,
    calls,
    count: (method, path) => calls.filter((call) => call.startsWith(`${method} `) && path.test(call.slice(method.length + 1))).length,
    fail: (method, path, fault, times = 1) => void rules.push({ method, path, fault, times }),
    reset: () => {
      rules = []
      calls.length = 0
    },
    close: () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** A loopback port with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
