import { vi } from 'vitest'

/**
 * A stand-in for Next's request scope (`cookies()`, `headers()` from next/headers), which exists only while Next
 * serves a request: server actions called from a test read and set the session cookie here. Use with
 * `vi.mock('next/headers', () => requestScope.module)`.
 */
export function createRequestScope() {
  const jar = new Map<string, string>()
  const requestHeaders = new Headers()
  const store = {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    has: (name: string) => jar.has(name),
    set: vi.fn((name: string, value: string) => void jar.set(name, value)),
    delete: (name: string) => void jar.delete(name),
  }
  return {
    jar,
    headers: requestHeaders,
    cookieStore: store,
    module: { cookies: async () => store, headers: async () => requestHeaders },
    /** The Cookie header a browser holding this jar would send. */
    cookieHeader: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    reset() {
      jar.clear()
      for (const name of [...requestHeaders.keys()]) requestHeaders.delete(name)
      store.set.mockClear()
    },
  }
}
