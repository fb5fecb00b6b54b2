import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeRequest = { method: string; path: string; url: URL; headers: http.IncomingHttpHeaders; body: Buffer }

export type FakeProviderServer<Fault> = {
  baseURL: string
  /** Every request, as "METHOD /path". */
  calls: string[]
  count(method: string, path: RegExp): number
  /** The next `times` requests matching method and path get this fault instead of an answer. */
  fail(method: string, path: RegExp, fault: Fault, times?: number): void
  close(): Promise<void>
}

/**
 * The loopback plumbing the fake providers share: it logs calls, reads bodies, plays injected faults (in the
 * provider's own error envelope, through `answerFault`) and hands the rest to `handle` with the server's base URL.
 */
export async function startFakeProviderServer<Fault>(
  handle: (request: FakeRequest, res: http.ServerResponse, baseURL: string) => void,
  answerFault: (res: http.ServerResponse, fault: Fault) => void,
): Promise<FakeProviderServer<Fault>> {
  const calls: string[] = []
  const faults: { method: string; path: RegExp; fault: Fault; times: number }[] = []
  let baseURL = ''
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    calls.push(`${method} ${url.pathname}`)
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const rule = faults.find((candidate) => candidate.method === method && candidate.path.test(url.pathname) && candidate.times > 0)
      if (rule) {
        rule.times--
        return answerFault(res, rule.fault)
      }
      handle({ method, path: url.pathname, url, headers: req.headers, body: Buffer.concat(chunks) }, res, baseURL)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    baseURL,
    calls,
    count: (method, path) => calls.filter((call) => call.startsWith(`${method} `) && path.test(call.slice(method.length + 1))).length,
    fail: (method, path, fault, times = 1) => faults.push({ method, path, fault, times }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
