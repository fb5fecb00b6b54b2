import { mkdtempSync, rmSync, statSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // Read when lib/server/env is first imported, so it must be set before any import below runs.
  process.env.BATCHBOARD_API_KEY = 'multipart-test-key'
})

import { db } from '@/lib/server/db'
import { V1Error } from '@/lib/server/v1/errors'
import { parseMultipart } from '@/lib/server/v1/multipart'
import { chatFile } from '@/tests/support/batch-files'
import { listDataFiles } from '@/tests/support/data-dir'
import { waitFor } from '@/tests/support/engine'
import { startV1Server } from '@/tests/support/v1-server'

const KEY = 'multipart-test-key'
const BOUNDARY = '----batchboard-test-7MA4YWxkTrZu0gW'
const LINES = chatFile(3)
const MB = 2 ** 20

let server: Awaited<ReturnType<typeof startV1Server>>
let client: OpenAI

beforeAll(async () => {
  server = await startV1Server()
  client = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 })
})

afterAll(async () => {
  await server.close()
})

const fieldPart = (name: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
const filePart = (filename: string, content: string, name = 'file') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; ${filename}\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`
const form = (...parts: string[]) => Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`)
const upload = (filename = 'filename="batch.jsonl"', content = LINES) => form(fieldPart('purpose', 'batch'), filePart(filename, content))

/** Splits `body` at the given byte offsets. */
const splitAt = (body: Buffer, offsets: number[]) => [0, ...offsets].map((start, index) => body.subarray(start, offsets[index] ?? body.length))

type Answer = { status: number; body: unknown }

/** POST /v1/files over a real socket, each chunk written on its own after a pause so the server reads it as its own piece. */
function send(chunks: Buffer[], { contentType = `multipart/form-data; boundary=${BOUNDARY}` } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${server.baseURL}/files`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': contentType } })
    request.on('socket', (socket) => socket.setNoDelay(true))
    request.on('response', (response) => {
      const data: Buffer[] = []
      response.on('data', (chunk: Buffer) => data.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(data).toString('utf8')) }))
    })
    request.on('error', reject)
    void (async () => {
      for (const chunk of chunks) {
        request.write(chunk)
        await new Promise((wait) => setTimeout(wait, 15))
      }
      request.end()
    })()
  })
}

const refusal = (status: number, message: RegExp, param: string | null = null, code: string | null = null) => ({
  status,
  body: { error: { message: expect.stringMatching(message), type: 'invalid_request_error', param, code } },
})

/** The files under DATA_DIR and the File rows: what a refused upload must leave as it was. */
const snapshot = async () => ({ rows: await db.file.count(), files: listDataFiles() })

async function expectRefused(answer: Promise<Answer>, expected: ReturnType<typeof refusal>) {
  const before = await snapshot()
  expect(await answer).toEqual(expected)
  expect(await snapshot()).toEqual(before)
}

describe('POST /v1/files multipart parsing', () => {
  it('stores what the openai SDK sends, with purpose before or after the file and any filename', async () => {
    const fileFirst = await client.files.create({ file: await toFile(Buffer.from(LINES), 'résumé "final" 批.jsonl'), purpose: 'batch' })
    const purposeFirst = await client.files.create({ purpose: 'user_data', file: await toFile(Buffer.from('notes'), 'notes.txt') })
    expect(fileFirst).toMatchObject({ filename: 'résumé "final" 批.jsonl', purpose: 'batch', bytes: Buffer.byteLength(LINES), status: 'processed' })
    expect(purposeFirst).toMatchObject({ filename: 'notes.txt', purpose: 'user_data', bytes: 5 })
    expect(await (await client.files.content(fileFirst.id)).text()).toBe(LINES)
    expect(await (await client.files.content(purposeFirst.id)).text()).toBe('notes')
  })

  it('reads a body whose boundaries, headers and line ends are split across chunks', async () => {
    // File content that holds a prefix of the delimiter, which must be kept as data.
    const content = `${LINES}\r\n--${BOUNDARY.slice(0, -3)}x\n`
    const body = upload('filename="split.jsonl"', content)
    const text = body.toString('latin1')
    const firstDelimiter = text.indexOf(BOUNDARY)
    const headersEnd = text.indexOf('\r\n\r\n', text.indexOf('filename='))
    const lastDelimiter = text.lastIndexOf(`\r\n--${BOUNDARY}--`)
    const splits = [
      [firstDelimiter - 1, firstDelimiter + 5],
      [headersEnd + 1, headersEnd + 3],
      [text.indexOf(`--${BOUNDARY.slice(0, -3)}x`) + 4],
      [lastDelimiter + 1, lastDelimiter + 2, lastDelimiter + 4 + BOUNDARY.length + 1],
      Array.from({ length: 60 }, (_, index) => lastDelimiter - 10 + index),
    ]
    for (const offsets of splits) {
      const answer = await send(splitAt(body, offsets))
      expect(answer, `split at ${offsets.join(', ')}`).toEqual({
        status: 200,
        body: expect.objectContaining({ filename: 'split.jsonl', bytes: Buffer.byteLength(content) }),
      })
      const { id } = answer.body as { id: string }
      expect(await (await client.files.content(id)).text()).toBe(content)
    }
  })

  it('refuses a body that ends before its closing boundary, wherever it is cut', async () => {
    const body = upload()
    const text = body.toString('latin1')
    for (const cut of [text.indexOf('filename=') + 4, text.indexOf(LINES) + 100, body.length - 5]) {
      await expectRefused(send([body.subarray(0, cut)]), refusal(400, /ended before its closing boundary; the upload was cut off\. Send it again\./))
    }
  })

  it('leaves nothing behind when the client drops the connection mid-file', async () => {
    const before = await snapshot()
    const body = upload('filename="big.jsonl"', 'x'.repeat(4 * MB))
    const request = http.request(`${server.baseURL}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    })
    request.on('error', () => {})
    request.write(body.subarray(0, 2 * MB))
    // Drop it only once part of the file is on disk.
    await waitFor(snapshot, (now) => now.files.some((file) => file.startsWith('uploads/v1-')))
    request.destroy()
    await waitFor(snapshot, (now) => JSON.stringify(now) === JSON.stringify(before))
    expect((await send([upload()])).status).toBe(200)
  })

  it('refuses two file parts, whichever names they have', async () => {
    const twoFiles = form(fieldPart('purpose', 'batch'), filePart('filename="a.jsonl"', LINES), filePart('filename="b.jsonl"', LINES))
    await expectRefused(send([twoFiles]), refusal(400, /more than one file part; send exactly one file, in the 'file' field/, 'file'))
    const renamed = form(filePart('filename="a.jsonl"', LINES), filePart('filename="b.jsonl"', LINES, 'other'), fieldPart('purpose', 'batch'))
    await expectRefused(send([renamed]), refusal(400, /more than one file part/, 'file'))
  })

  it('refuses too many parts, an over-long header and an over-long field', async () => {
    const many = Array.from({ length: 500 }, (_, index) => fieldPart(`x${index}`, 'y'))
    await expectRefused(send([form(fieldPart('purpose', 'batch'), ...many, filePart('filename="a.jsonl"', LINES))]), refusal(400, /more than 10 parts/))
    const longName = `filename="${'a'.repeat(20_000)}.jsonl"`
    await expectRefused(send(splitAt(upload(longName), [5_000, 10_000])), refusal(400, /malformed header, or headers longer than 16 KB/))
    const manyHeaders = Array.from({ length: 2_000 }, (_, index) => `X-Padding-${index}: ${index}`).join('\r\n')
    await expectRefused(send([upload(`filename="a.jsonl"\r\n${manyHeaders}`)]), refusal(400, /malformed header, or headers longer than 16 KB/))
    await expectRefused(
      send([form(fieldPart('purpose', 'b'.repeat(70_000)), filePart('filename="a.jsonl"', LINES))]),
      refusal(400, /'purpose' is too long/, 'purpose'),
    )
  })

  it('refuses filenames with control characters, saying which one', async () => {
    await expectRefused(send([upload(`filename*=UTF-8''evil%00.jsonl`)]), refusal(400, /control character \(U\+0000\) at position 5; rename the file/, 'file'))
    await expectRefused(send([upload('filename="tab\there.jsonl"')]), refusal(400, /control character \(U\+0009\) at position 4/, 'file'))
    await expectRefused(send([upload(`filename*=UTF-8''a%C2%85b.jsonl`)]), refusal(400, /control character \(U\+0085\) at position 2/, 'file'))
    // The SDK (undici's FormData) percent-encodes the line break; it is still a line break in the name.
    const caught: unknown = await client.files
      .create({ file: await toFile(Buffer.from(LINES), 'two\nlines.jsonl'), purpose: 'batch' })
      .catch((error: unknown) => error)
    expect(caught).toBeInstanceOf(OpenAI.BadRequestError)
    expect((caught as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual(
      refusal(400, /control character \(U\+000A\) at position 4/, 'file').body.error,
    )
  })

  it('refuses filenames that are not UTF-8 or not percent-encoded right', async () => {
    await expectRefused(send([upload(`filename*=UTF-8''%FF%FEbatch.jsonl`)]), refusal(400, /filename is not valid UTF-8/, 'file'))
    await expectRefused(send([upload(`filename*=UTF-8''cut%E0%A4.jsonl`)]), refusal(400, /filename is not valid UTF-8/, 'file'))
    const rawLatin1 = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="caf`),
      Buffer.from([0xe9]),
      form(`.jsonl"\r\n\r\n${LINES}\r\n`, fieldPart('purpose', 'batch')),
    ])
    await expectRefused(send([rawLatin1]), refusal(400, /filename is not valid UTF-8/, 'file'))
    // These two threw a URIError (a 500) in the hand-written parser.
    for (const filename of [`filename*=UTF-8''bad%ZZ.jsonl`, `filename*=UTF-8''%E0%A4%A.jsonl`]) {
      await expectRefused(
        send([upload(filename)]),
        refusal(400, /Missing required parameter: 'file'\. .*filename\* with a bad percent-encoding/, 'file', 'missing_required_parameter'),
      )
    }
  })

  it('refuses a body that is not multipart or has no boundary', async () => {
    await expectRefused(
      send([upload()], { contentType: 'multipart/form-data' }),
      refusal(400, /Invalid Content-Type header \(multipart\/form-data\), expected multipart\/form-data with a boundary/),
    )
    await expectRefused(send([upload()], { contentType: 'text/plain' }), refusal(400, /Invalid Content-Type header \(text\/plain\)/))
  })
})

describe('parseMultipart', () => {
  /** A body pulled chunk by chunk, as a socket delivers it; `pulled` counts what the parser has asked for so far. */
  function lazyBody(fileBytes: number, chunkBytes: number) {
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n\r\n`)
    const tail = Buffer.from(`\r\n${fieldPart('purpose', 'batch')}--${BOUNDARY}--\r\n`)
    const state = { pulled: 0, done: false }
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        let chunk: Buffer
        if (sent === 0) chunk = head
        else if (sent - head.length < fileBytes) chunk = Buffer.alloc(Math.min(chunkBytes, fileBytes - (sent - head.length)), 0x61)
        else if (!state.done) {
          chunk = tail
          state.done = true
        } else return controller.close()
        sent += chunk.length
        state.pulled = sent
        controller.enqueue(chunk)
      },
    })
    return { stream, state }
  }

  const contentType = `multipart/form-data; boundary=${BOUNDARY}`

  it('writes the file as it arrives, reading no further ahead than the disk keeps up with', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'multipart-'))
    try {
      const { stream, state } = lazyBody(48 * MB, MB)
      let furthestAhead = 0
      const sampler = setInterval(() => {
        let written = 0
        try {
          written = statSync(path.join(dir, 'file')).size
        } catch {}
        furthestAhead = Math.max(furthestAhead, state.pulled - written)
      }, 2)
      const { fields, file } = await parseMultipart(stream, contentType, dir, { maxFileBytes: 64 * MB, maxFieldBytes: 1024, maxParts: 10 })
      clearInterval(sampler)
      expect(fields.get('purpose')).toBe('batch')
      expect(file).toMatchObject({ field: 'file', filename: 'big.jsonl', bytes: 48 * MB })
      expect(statSync(file!.path).size).toBe(48 * MB)
      // Buffering the upload would read all 48 MB before the disk had them.
      expect(furthestAhead).toBeLessThan(16 * MB)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('accepts a file of exactly the limit, and answers 413 one byte over after reading the rest of the body', async () => {
    const limits = { maxFileBytes: 3 * MB, maxFieldBytes: 1024, maxParts: 10 }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'multipart-'))
    try {
      const exact = await parseMultipart(lazyBody(3 * MB, 256 * 1024).stream, contentType, path.join(dir, 'exact'), limits)
      expect(exact.file?.bytes).toBe(3 * MB)

      const over = lazyBody(3 * MB + 1, 256 * 1024)
      const caught = await parseMultipart(over.stream, contentType, path.join(dir, 'over'), limits).catch((error: unknown) => error)
      expect(caught).toBeInstanceOf(V1Error)
      expect(caught).toMatchObject({ status: 413, message: 'The file is larger than the 3 MB a file may be.', details: { param: 'file' } })
      // The rest of the body is read and dropped, so the client is not left waiting on a full socket.
      await waitFor(
        async () => over.state.done,
        (done) => done,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
