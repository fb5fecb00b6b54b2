import type http from 'node:http'
import type { AddressInfo } from 'node:net'

/** Serves a stand-in upstream on a free loopback port: its `/v1` base URL, and how to stop it. */
export async function serveOnLoopback(server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
