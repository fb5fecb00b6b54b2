import 'server-only'
import { promptOf } from '@/lib/results/extract'
import { AppError } from '@/lib/server/http/errors'
import { filePaths, findResultRow } from './query'
import { readLineAt } from './lines'

// Raster types only: an SVG is a document that can carry script.
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

/** The n-th image a request sends, for the table's thumbnails: a data URL's bytes, or a redirect to its http URL. */
export async function getResultImage(batchId: string, customId: string, n: number): Promise<Response> {
  const row = await findResultRow(batchId, customId)
  const paths = await filePaths(batchId, [])
  if (!paths.input || row.inputOffset === null || row.inputLength === null)
    throw new AppError(404, 'not_found', 'The input file is no longer in Batchboard.', { param: 'customId' })
  const text = await readLineAt(paths.input, Number(row.inputOffset), Number(row.inputLength))
  const url = promptOf(JSON.parse(text) as unknown).images[n]
  if (!url) throw new AppError(404, 'not_found', `Request '${customId}' has no image ${n + 1}.`, { param: 'n' })
  const data = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url)
  const security = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'", 'cache-control': 'private, max-age=3600' }
  if (data) {
    const type = data[1]!.toLowerCase()
    if (!IMAGE_TYPES.has(type))
      throw new AppError(415, 'unsupported_image', `Thumbnails are shown for PNG, JPEG, GIF and WebP images, not ${type}.`, { param: 'n' })
    return new Response(Buffer.from(data[2]!, 'base64'), { headers: { 'content-type': type, ...security } })
  }
  if (/^https?:\/\//i.test(url)) return new Response(null, { status: 302, headers: { location: url, ...security } })
  throw new AppError(415, 'unsupported_image', 'The image is neither a data URL nor an http(s) URL.', { param: 'n' })
}
