import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { NextRequest } from 'next/server'
import * as apiBatch from '@/app/api/batches/[batchId]/route'
import * as apiBatches from '@/app/api/batches/route'
import * as apiHealth from '@/app/api/health/route'
import * as batch from '@/app/v1/batches/[batchId]/route'
import * as batchCancel from '@/app/v1/batches/[batchId]/cancel/route'
import * as batches from '@/app/v1/batches/route'
import * as file from '@/app/v1/files/[fileId]/route'
import * as fileContent from '@/app/v1/files/[fileId]/content/route'
import * as files from '@/app/v1/files/route'

type Handler = (request: NextRequest, context: { params?: Promise<Record<string, string>> }) => Promise<Response>
type RouteModule = Partial<Record<'GET' | 'POST' | 'DELETE', Handler>>

// The same path → module mapping as Next's app/v1 folders (and the few app/api routes the multi-node tests read).
const ROUTES: { pattern: RegExp; names: string[]; module: RouteModule }[] = [
  { pattern: /^\/api\/health$/, names: [], module: apiHealth },
  { pattern: /^\/api\/batches$/, names: [], module: apiBatches },
  { pattern: /^\/api\/batches\/([^/]+)$/, names: ['batchId'], module: apiBatch },
  { pattern: /^\/v1\/files$/, names: [], module: files },
  { pattern: /^\/v1\/files\/([^/]+)$/, names: ['fileId'], module: file },
  { pattern: /^\/v1\/files\/([^/]+)\/content$/, names: ['fileId'], module: fileContent },
  { pattern: /^\/v1\/batches$/, names: [], module: batches },
  { pattern: /^\/v1\/batches\/([^/]+)$/, names: ['batchId'], module: batch },
  { pattern: /^\/v1\/batches\/([^/]+)\/cancel$/, names: ['batchId'], module: batchCancel },
]

/**
 * A loopback HTTP server that hands each request to the real app/v1 route handlers, as Next would: the official
 * SDK talks real HTTP (multipart uploads, streamed downloads) without building and starting the whole app.
 */
export async function startV1Server(): Promise<{ baseURL: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
      const route = ROUTES.find((candidate) => candidate.pattern.test(url.pathname))
      const handler = route?.module[req.method as 'GET' | 'POST' | 'DELETE']
      if (!route || !handler) {
        res
          .writeHead(route ? 405 : 404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error', param: null, code: null } }))
        return
      }
      const match = route.pattern.exec(url.pathname)!
      const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]))
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const request = new NextRequest(url, {
        method: req.method,
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
      } as ConstructorParameters<typeof NextRequest>[1])
      const response = await handler(request, { params: Promise.resolve(params) })
      res.writeHead(response.status, Object.fromEntries(response.headers))
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk)
      res.end()
    })().catch((error: unknown) => {
      console.error(error)
      res.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
