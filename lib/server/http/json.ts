import 'server-only'

/**
 * Bodies up to this size are sent as they are. Next compresses every compressible answer it sends, whatever its size:
 * it drops a route's Content-Length, so its gzip middleware's own 1 KB threshold never applies. For the few KB of a
 * polled status read, gzip cost more than the read itself on the thread that answers requests (a deflate state of
 * about 256 KB allocated per answer, then a round trip through libuv's thread pool, queued behind the uploads' file
 * writes), to save a few KB on a local network. Larger answers (result pages) are still compressed.
 */
export const UNCOMPRESSED_JSON_CHARS = 64 * 1024

/**
 * `Response.json`, with `Cache-Control: no-transform` on a small body: the compression middleware Next runs
 * (the `compression` package, which honours no-transform as RFC 9111 §5.2.2.6 asks) leaves it alone.
 * See docs/decisions/063-request-thread-latency.md.
 */
export function jsonResponse(data: unknown, init: { status?: number } = {}): Response {
  const body = JSON.stringify(data)
  const headers = new Headers({ 'content-type': 'application/json' })
  if (body.length <= UNCOMPRESSED_JSON_CHARS) headers.set('cache-control', 'no-transform')
  return new Response(body, { status: init.status, headers })
}
