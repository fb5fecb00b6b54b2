import 'server-only'
import busboy from 'busboy'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Readable, type Writable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import { V1Error } from './errors'

export type MultipartFile = { field: string; filename: string; path: string; bytes: number }
export type MultipartResult = { fields: Map<string, string>; file: MultipartFile | null }
export type MultipartLimits = { maxFileBytes: number; maxFieldBytes: number; maxParts: number }

// C0 controls, DEL and C1 controls: a filename holding one breaks logs, headers and file listings downstream.
const isControlCharacter = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f)
// What busboy's UTF-8 decoder puts in place of bytes that are not UTF-8.
const REPLACEMENT_CHARACTER = '\uFFFD'

const cutOff = () => new V1Error(400, 'The multipart body ended before its closing boundary; the upload was cut off. Send it again.')

/** busboy's errors are about the shape of the body; each becomes a 400 that says what to fix. */
function toParseError(error: unknown): V1Error {
  const message = error instanceof Error ? error.message : String(error)
  if (message === 'Unexpected end of form' || message === 'Unexpected end of file') return cutOff()
  if (message === 'Malformed part header') {
    return new V1Error(400, 'A part of the multipart body has a malformed header, or headers longer than 16 KB. Check how the form is encoded.')
  }
  return new V1Error(400, `The multipart body could not be read (${message}). Check how the form is encoded.`)
}

/**
 * undici's FormData (which the `openai` SDK uses) and browsers escape `"`, CR and LF in a quoted filename as %22,
 * %0D and %0A (HTML spec, "multipart/form-data encoding algorithm"); busboy leaves them as they came.
 */
const unescapeFilename = (filename: string) => filename.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n')

function filenameProblem(filename: string): string | null {
  const codes = Array.from(filename, (character) => character.codePointAt(0)!)
  const index = codes.findIndex(isControlCharacter)
  if (index !== -1) {
    const code = codes[index]!.toString(16).toUpperCase().padStart(4, '0')
    return `The filename holds a control character (U+${code}) at position ${index + 1}; rename the file without control characters and send it again.`
  }
  if (filename.includes(REPLACEMENT_CHARACTER)) {
    return 'The filename is not valid UTF-8; send it as UTF-8 bytes in filename="…", or percent-encoded UTF-8 in filename*=UTF-8\'\'….'
  }
  return null
}

/**
 * Streams a multipart/form-data body with busboy: the one file part is piped to a file under `dir` with backpressure
 * (a 200 MB upload never sits in memory, which `request.formData()` would do in Node), text fields are kept up to
 * `maxFieldBytes`. On any refusal the rest of the body is read and dropped, so the client still gets the answer, and
 * the file on disk is closed before this rejects: the caller can remove `dir` with nothing left behind.
 */
export async function parseMultipart(
  body: ReadableStream<Uint8Array>,
  contentType: string | null,
  dir: string,
  limits: MultipartLimits,
): Promise<MultipartResult> {
  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: { 'content-type': contentType ?? undefined },
      // undici and browsers send a quoted filename as raw UTF-8; busboy's default for it is latin1.
      defParamCharset: 'utf8',
      // files.ts takes the base name itself, after the checks on the full filename.
      preservePath: true,
      // busboy reports a limit when a count reaches it, so one more than allowed means "too many".
      limits: { fileSize: limits.maxFileBytes + 1, fieldSize: limits.maxFieldBytes + 1, parts: limits.maxParts + 1, files: 1 },
    })
  } catch {
    throw new V1Error(400, `Invalid Content-Type header (${contentType ?? 'none'}), expected multipart/form-data with a boundary.`)
  }
  await mkdir(dir, { recursive: true })

  // The DOM and node:stream/web typings describe the same runtime ReadableStream (as in files/upload.ts).
  const source = Readable.fromWeb(body as NodeReadableStream<Uint8Array>)
  const fields = new Map<string, string>()
  let file: MultipartFile | null = null
  const writes: Promise<void>[] = []
  const partStreams = new Set<Readable | Writable>()
  // The first refusal wins; later errors (a destroyed file stream, the parser giving up) follow from it.
  const failures: unknown[] = []
  let settle: () => void = () => {}
  const parsed = new Promise<void>((resolve) => (settle = resolve))

  const fail = (error: unknown) => {
    failures.push(error)
    if (failures.length > 1) return
    source.unpipe(parser)
    source.resume()
    // Both ends: a part that busboy has ended may not have reached the disk yet, and its pipe would wait forever.
    for (const stream of partStreams) stream.destroy()
    settle()
  }

  parser.on('file', (name, stream, info) => {
    const filename = unescapeFilename(info.filename ?? '')
    const problem = !name ? 'A multipart part has no name in its Content-Disposition header.' : filenameProblem(filename)
    if (failures.length > 0 || problem) {
      stream.resume()
      if (problem) fail(new V1Error(400, problem, { param: name || null }))
      return
    }
    const part: MultipartFile = { field: name, filename, path: path.join(dir, 'file'), bytes: 0 }
    const out = createWriteStream(part.path, { flags: 'wx' })
    partStreams.add(stream).add(out)
    stream.once('limit', () => {
      fail(new V1Error(413, `The file is larger than the ${Math.round(limits.maxFileBytes / 2 ** 20)} MB a file may be.`, { param: 'file' }))
    })
    writes.push(
      pipeline(stream, out)
        .then(
          () => {
            part.bytes = out.bytesWritten
            file = part
          },
          (error: unknown) => fail(error),
        )
        // Only once the descriptor is closed may the caller remove the directory and find it empty.
        .then(() => new Promise<void>((resolve) => (out.closed ? resolve() : out.once('close', () => resolve())))),
    )
  })
  parser.on('field', (name, value, info) => {
    if (!name) fail(new V1Error(400, 'A multipart part has no name in its Content-Disposition header.'))
    else if (info.valueTruncated) fail(new V1Error(400, `The form field '${name}' is too long.`, { param: name }))
    else fields.set(name, value)
  })
  parser.on('filesLimit', () => {
    fail(new V1Error(400, "The form has more than one file part; send exactly one file, in the 'file' field.", { param: 'file' }))
  })
  parser.on('partsLimit', () => fail(new V1Error(400, `The form has more than ${limits.maxParts} parts; send only 'file' and the documented fields.`)))
  parser.on('error', (error) => fail(toParseError(error)))
  parser.on('finish', settle)
  // The client went away or the connection broke mid-body.
  source.on('error', () => fail(cutOff()))
  source.pipe(parser)

  await parsed
  await Promise.all(writes)
  if (failures.length > 0) throw failures[0]
  return { fields, file }
}
