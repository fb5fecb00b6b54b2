import 'server-only'
import { AppError } from './errors'

/**
 * A request's JSON body, refusing more than `maxBytes` while it streams in: `request.json()` would buffer
 * whatever a client sends before anything could check its size.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  const tooLarge = () => new AppError(413, 'body_too_large', `The request body is larger than ${Math.round(maxBytes / 1024)} KiB. Send a smaller body.`)
  if (declared > maxBytes) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength
      if (size > maxBytes) throw tooLarge()
      chunks.push(chunk)
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    throw new AppError(400, 'invalid_json', 'The request body is not valid JSON.')
  }
}
