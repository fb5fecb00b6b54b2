import 'server-only'
import { open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { V1Error } from './errors'

export type MultipartFile = { field: string; filename: string; path: string; bytes: number }
export type MultipartResult = { fields: Map<string, string>; files: MultipartFile[] }
export type MultipartLimits = { maxFileBytes: number; maxFieldBytes: number; maxParts: number }

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')
const MAX_HEADER_BYTES = 16 * 1024

export function boundaryOf(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match ? (match[1] ?? match[2] ?? null) : null
}

function parseDisposition(headers: string): { name: string; filename: string | null } {
  const disposition = headers.split('\r\n').find((line) => /^content-disposition:/i.test(line)) ?? ''
  const name = /\bname="((?:[^"\\]|\\.)*)"/i.exec(disposition)?.[1] ?? /\bname=([^;\s]+)/i.exec(disposition)?.[1]
  if (name === undefined) throw new V1Error(400, 'A multipart part has no name in its Content-Disposition header.')
  const extended = /\bfilename\*=(?:UTF-8'[^']*')?([^;]+)/i.exec(disposition)?.[1]
  let filename: string | null = null
  if (extended) filename = decodeURIComponent(extended.trim())
  else {
    const quoted = /\bfilename="((?:[^"\\]|\\.)*)"/i.exec(disposition)?.[1]
    // Browsers and undici percent-encode quotes and newlines in filenames; others backslash-escape them.
    if (quoted !== undefined) filename = quoted.replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0A/gi, '\n').replace(/%0D/gi, '\r')
  }
  return { name: name.replace(/\\(.)/g, '$1'), filename }
}

/**
 * Streams a multipart/form-data body: file parts go straight to disk under `dir` (a 200 MB upload never sits in
 * memory, which `request.formData()` would do in Node), text fields are kept up to `maxFieldBytes`.
 */
export async function parseMultipart(body: ReadableStream<Uint8Array>, boundary: string, dir: string, limits: MultipartLimits): Promise<MultipartResult> {
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  const fields = new Map<string, string>()
  const files: MultipartFile[] = []
  // A leading CRLF lets the first boundary match the same delimiter as every later one.
  let buffer: Buffer = Buffer.from(CRLF)
  let state = 'preamble' as 'preamble' | 'boundary' | 'headers' | 'body' | 'done'
  let parts = 0
  let sink: { kind: 'file'; handle: FileHandle; file: MultipartFile } | { kind: 'field'; name: string; chunks: Buffer[]; bytes: number } | null = null

  async function write(data: Buffer) {
    if (!sink || data.length === 0) return
    if (sink.kind === 'file') {
      sink.file.bytes += data.length
      if (sink.file.bytes > limits.maxFileBytes) {
        throw new V1Error(413, `The file is larger than the ${Math.round(limits.maxFileBytes / 2 ** 20)} MB a file may be.`, { param: 'file' })
      }
      await sink.handle.write(data)
    } else {
      sink.bytes += data.length
      if (sink.bytes > limits.maxFieldBytes) throw new V1Error(400, `The form field '${sink.name}' is too long.`, { param: sink.name })
      sink.chunks.push(data)
    }
  }

  async function close() {
    if (!sink) return
    if (sink.kind === 'file') {
      await sink.handle.close()
      files.push(sink.file)
    } else fields.set(sink.name, Buffer.concat(sink.chunks).toString('utf8'))
    sink = null
  }

  async function consume(): Promise<void> {
    for (;;) {
      if (state === 'preamble') {
        const index = buffer.indexOf(delimiter)
        if (index === -1) {
          buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length + 1))
          return
        }
        buffer = buffer.subarray(index + delimiter.length)
        state = 'boundary'
      } else if (state === 'boundary') {
        if (buffer.length < 2) return
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          state = 'done'
          return
        }
        const lineEnd = buffer.indexOf(CRLF)
        if (lineEnd === -1) return
        buffer = buffer.subarray(lineEnd + 2)
        state = 'headers'
      } else if (state === 'headers') {
        const end = buffer.indexOf(HEADER_END)
        if (end === -1) {
          if (buffer.length > MAX_HEADER_BYTES) throw new V1Error(400, 'A multipart part has headers that are too long.')
          return
        }
        const { name, filename } = parseDisposition(buffer.toString('utf8', 0, end))
        buffer = buffer.subarray(end + HEADER_END.length)
        if (++parts > limits.maxParts) throw new V1Error(400, 'The form has too many fields.')
        if (filename !== null) {
          const filePath = path.join(dir, `part-${parts}`)
          sink = { kind: 'file', handle: await open(filePath, 'w'), file: { field: name, filename, path: filePath, bytes: 0 } }
        } else sink = { kind: 'field', name, chunks: [], bytes: 0 }
        state = 'body'
      } else if (state === 'body') {
        const index = buffer.indexOf(delimiter)
        if (index === -1) {
          // Keep a tail that could be the start of the delimiter; everything before it is part data.
          const safe = buffer.length - delimiter.length + 1
          if (safe > 0) {
            await write(buffer.subarray(0, safe))
            buffer = buffer.subarray(safe)
          }
          return
        }
        await write(buffer.subarray(0, index))
        await close()
        buffer = buffer.subarray(index + delimiter.length)
        state = 'boundary'
      } else return
    }
  }

  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffer = buffer.length > 0 ? Buffer.concat([buffer, value]) : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      await consume()
      if (state === 'done') break
    }
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  } finally {
    const open = sink as { kind: string; handle?: FileHandle } | null
    if (open?.handle) await open.handle.close().catch(() => {})
  }
  if (state !== 'done') throw new V1Error(400, 'The multipart body ended before its closing boundary; the upload was cut off. Send it again.')
  return { fields, files }
}
