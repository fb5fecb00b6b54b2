import 'server-only'
import { outputImagesOf, promptOf, responseBodyOf } from '@/lib/results/extract'
import { AppError } from '@/lib/server/http/errors'
import type { ResultImageSide } from '@/lib/validations/results'
import { filePaths, findResultRow } from './query'
import { readLineAt } from '@/lib/workers/offset-reader'

// Raster types only: an SVG is a document that can carry script.
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'", 'cache-control': 'private, max-age=3600' }

/** The raster type the bytes themselves are, whatever a provider's `output_format` said. */
function rasterTypeOf(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif'
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp'
  return null
}

async function imageUrls(batchId: string, customId: string, side: ResultImageSide): Promise<string[]> {
  const row = await findResultRow(batchId, customId)
  const paths = await filePaths(batchId, row.resultFileId ? [row.resultFileId] : [])
  if (side === 'input') {
    if (!paths.input || row.inputOffset === null || row.inputLength === null)
      throw new AppError(404, 'not_found', 'The input file is no longer in Batchboard.', { param: 'customId' })
    const text = await readLineAt(paths.input, Number(row.inputOffset), Number(row.inputLength))
    return promptOf(JSON.parse(text) as unknown).images
  }
  const resultPath = row.resultFileId ? paths.results.get(row.resultFileId) : undefined
  if (!resultPath || row.resultOffset === null || row.resultLength === null)
    throw new AppError(404, 'not_found', `Request '${customId}' has no result in a file Batchboard holds.`, { param: 'customId' })
  const text = await readLineAt(resultPath, Number(row.resultOffset), Number(row.resultLength))
  return outputImagesOf(responseBodyOf(JSON.parse(text) as unknown))
}

/**
 * The n-th image a request sends (`side: 'input'`) or its response holds (`'output'`, images endpoints), for the
 * table's thumbnails: a data URL's bytes, or a redirect to its http URL.
 */
export async function getResultImage(batchId: string, customId: string, n: number, side: ResultImageSide = 'input'): Promise<Response> {
  const url = (await imageUrls(batchId, customId, side))[n]
  if (!url) throw new AppError(404, 'not_found', `${side === 'input' ? 'Request' : 'The response to'} '${customId}' has no image ${n + 1}.`, { param: 'n' })
  const data = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url)
  if (data) {
    const bytes = Buffer.from(data[2]!, 'base64')
    // A request's data URL says its type; a response's base64 only has the provider's word for it, so its bytes decide.
    const type = side === 'input' ? data[1]!.toLowerCase() : (rasterTypeOf(bytes) ?? 'unknown')
    if (!IMAGE_TYPES.has(type))
      throw new AppError(415, 'unsupported_image', `Thumbnails are shown for PNG, JPEG, GIF and WebP images, not ${type}.`, { param: 'n' })
    return new Response(bytes, { headers: { 'content-type': type, ...SECURITY_HEADERS } })
  }
  if (/^https?:\/\//i.test(url)) return new Response(null, { status: 302, headers: { location: url, ...SECURITY_HEADERS } })
  throw new AppError(415, 'unsupported_image', 'The image is neither a data URL nor an http(s) URL.', { param: 'n' })
}
