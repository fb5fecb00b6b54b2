import { createRequire } from 'node:module'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GET as getBatch } from '@/app/api/batches/[batchId]/route'
import { db } from '@/lib/server/db'
import { jsonResponse, UNCOMPRESSED_JSON_CHARS } from '@/lib/server/http/json'
import { NextRequest } from 'next/server'

// Small JSON answers (status reads) go out uncompressed, large ones (result pages) gzipped
// (docs/decisions/063-request-thread-latency.md). The server below passes a route's Response through the compression
// middleware `next start` runs (next/dist/compiled/compression, called as lib/router-server.js does) and writes it as
// Next's sendResponse does: headers copied without Content-Length, the body streamed.

type Middleware = (request: http.IncomingMessage, response: http.ServerResponse, next: () => void) => void
// The vendored package has no type declarations; its export is express's `compression(options)`.
const compression = createRequire(import.meta.url)('next/dist/compiled/compression') as () => Middleware

let server: http.Server
let origin = ''
let answer: () => Promise<Response> = async () => jsonResponse({})

beforeAll(async () => {
  const compress = compression()
  server = http.createServer((request, response) => {
    compress(request, response, () => {})
    void answer().then(async (route) => {
      response.statusCode = route.status
      route.headers.forEach((value, name) => {
        if (name !== 'content-length') response.setHeader(name, value)
      })
      // Written, then ended: as a stream is piped, so the middleware sees no length (Next's pipeToNodeResponse).
      response.write(Buffer.from(await route.arrayBuffer()))
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** A GET that asks for gzip as browsers do, without decoding: the answer's encoding and its bytes as sent. */
function rawGet(): Promise<{ encoding: string | undefined; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(origin, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (response) => {
        let bytes = 0
        response.on('data', (chunk: Buffer) => (bytes += chunk.length))
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], bytes }))
      })
      .on('error', reject)
  })
}

describe('JSON answers and Next’s compression', () => {
  it('sends a batch status read as it is, marked no-transform', async () => {
    await db.batch.create({ data: { id: 'batch_plain_json', connectionId: 'builtin', endpoint: '/v1/chat/completions', status: 'completed' } })
    answer = () => getBatch(new NextRequest('http://127.0.0.1/api/batches/batch_plain_json'), { params: Promise.resolve({ batchId: 'batch_plain_json' }) })
    const route = await answer()
    expect(route.status).toBe(200)
    expect(route.headers.get('cache-control')).toBe('no-transform')
    const body = await route.text()
    expect(JSON.parse(body)).toMatchObject({ id: 'batch_plain_json', status: 'completed' })
    expect(await rawGet()).toEqual({ encoding: undefined, bytes: Buffer.byteLength(body) })
  })

  it('still gzips a large answer', async () => {
    const rows = Array.from({ length: 2_000 }, (_, index) => ({ id: `row-${index}`, text: 'the same words again and again' }))
    expect(JSON.stringify(rows).length).toBeGreaterThan(UNCOMPRESSED_JSON_CHARS)
    answer = async () => jsonResponse(rows)
    expect((await answer()).headers.get('cache-control')).toBeNull()
    const sent = await rawGet()
    expect(sent.encoding).toBe('gzip')
    expect(sent.bytes).toBeLessThan(JSON.stringify(rows).length / 4)
  })
})
