import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { GET as getFileContent } from '@/app/api/files/[fileId]/content/route'
import { GET as getFilePreview } from '@/app/api/files/[fileId]/preview/route'
import { GET as getFileDetail } from '@/app/api/files/[fileId]/route'
import { GET as getFiles } from '@/app/api/files/route'
import { cancelFileUpload, completeFileUpload, deleteFile, startFileUpload } from '@/lib/actions/files'
import { NextRequest } from 'next/server'
import { db } from '@/lib/server/db'
import { sweepUploads } from '@/lib/server/files/upload'
import { storageDirs } from '@/lib/server/storage'
import { chatFile, chatLine } from '@/tests/support/batch-files'
import { callRoute } from '@/tests/support/routes'
import { unwrap, upload, uploadFileChunk } from '@/tests/support/uploads'

const uploadsLeft = () => (existsSync(storageDirs.uploads) ? readdirSync(storageDirs.uploads) : [])

describe('chunked upload', () => {
  it('stores a valid file with its facts, and serves it back byte for byte', async () => {
    const text = chatFile(25)
    const { result } = await upload('questions.jsonl', text)
    const { file, duplicate } = unwrap(result)
    expect(duplicate).toBe(false)
    expect(file).toMatchObject({
      filename: 'questions.jsonl',
      purpose: 'batch',
      bytes: Buffer.byteLength(text),
      lineCount: 25,
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o-mini',
    })

    const row = await db.file.findUniqueOrThrow({ where: { id: file.id } })
    expect(row.sha256).toBe(createHash('sha256').update(text).digest('hex'))
    expect(readFileSync(path.join(process.env.DATA_DIR!, row.storagePath!), 'utf8')).toBe(text)
    expect(uploadsLeft()).toEqual([])

    const download = await getFileContent(new NextRequest(`http://127.0.0.1/api/files/${file.id}/content`), {
      params: Promise.resolve({ fileId: file.id }),
    })
    expect(download.headers.get('content-disposition')).toContain('questions.jsonl')
    expect(await download.text()).toBe(text)

    const preview = await callRoute(getFilePreview, `/api/files/${file.id}/preview?lines=2`, { fileId: file.id })
    expect(preview.body).toEqual({
      lines: [
        { line: 1, text: chatLine({ customId: 'request-1' }) },
        { line: 2, text: chatLine({ customId: 'request-2' }) },
      ],
      truncated: true,
    })

    const whole = await callRoute(getFilePreview, `/api/files/${file.id}/preview?lines=25`, { fileId: file.id })
    expect(whole.body).toMatchObject({ truncated: false, lines: { length: 25 } })

    const tail = await callRoute(getFilePreview, `/api/files/${file.id}/preview?from=24&lines=5`, { fileId: file.id })
    expect(tail.body).toEqual({
      lines: [
        { line: 24, text: chatLine({ customId: 'request-24' }) },
        { line: 25, text: chatLine({ customId: 'request-25' }) },
      ],
      truncated: false,
    })

    const detail = await callRoute(getFileDetail, `/api/files/${file.id}`, { fileId: file.id })
    expect(detail.body).toMatchObject({ id: file.id, stored: true, batches: [], estimatedInputTokens: expect.any(Number) })
  })

  it('previews a window deep in a file of several megabytes, its last line without a newline', async () => {
    // ~2.4 MB: the window lies beyond the first read chunks (1 MiB), and a chunk boundary falls inside skipped lines.
    const text = chatFile(12_000, { content: 'x'.repeat(100) }).replace(/\n$/, '')
    const { file } = unwrap((await upload('deep.jsonl', text, 1 << 20)).result)
    const window = await callRoute(getFilePreview, `/api/files/${file.id}/preview?from=9000&lines=3`, { fileId: file.id })
    expect(window.body).toEqual({
      lines: [9000, 9001, 9002].map((line) => ({ line, text: chatLine({ customId: `request-${line}`, content: 'x'.repeat(100) }) })),
      truncated: true,
    })
    const last = await callRoute(getFilePreview, `/api/files/${file.id}/preview?from=11999&lines=5`, { fileId: file.id })
    expect(last.body).toMatchObject({
      lines: [{ line: 11_999 }, { line: 12_000, text: chatLine({ customId: 'request-12000', content: 'x'.repeat(100) }) }],
      truncated: false,
    })
    const beyond = await callRoute(getFilePreview, `/api/files/${file.id}/preview?from=20000`, { fileId: file.id })
    expect(beyond.body).toEqual({ lines: [], truncated: false })
  })

  it('offers an identical earlier upload instead of keeping a second copy', async () => {
    const text = chatFile(3, { content: 'duplicate me' })
    const first = unwrap((await upload('a.jsonl', text)).result)
    const second = unwrap((await upload('b.jsonl', text)).result)
    expect(second).toEqual({ file: first.file, duplicate: true })

    // With the browser's hash, not a byte is sent.
    const sha256 = createHash('sha256').update(text).digest('hex')
    expect(unwrap(await startFileUpload({ filename: 'c.jsonl', bytes: text.length, sha256 }))).toEqual({ kind: 'existing', file: first.file })
    expect(await db.file.count({ where: { sha256 } })).toBe(1)
  })

  it('refuses a file with errors, naming the first line, and keeps nothing', async () => {
    const before = await db.file.count()
    const text = `${chatLine({ customId: 'a' })}\n${chatLine({ customId: 'a' })}\n{not json\n`
    const { result } = await upload('bad.jsonl', text)
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_file',
        message: expect.stringMatching(/^The file has 2 errors \(first, line 2: .*duplicate.*\)\. Fix them and upload it again\.$/),
        line: 2,
        param: 'custom_id',
      },
    })
    expect(await db.file.count()).toBe(before)
    expect(uploadsLeft()).toEqual([])
    expect(readdirSync(storageDirs.files).length).toBe(before)
  })

  it('refuses a UTF-16 file with the one error that names its encoding and how to convert it', async () => {
    const before = await db.file.count()
    const bytes = Buffer.from(`${chatLine({ customId: 'a' })}\n${chatLine({ customId: 'b' })}\n`, 'utf16le')
    const started = unwrap(await startFileUpload({ filename: 'notepad.jsonl', bytes: bytes.length }))
    if (started.kind !== 'started') expect.fail('expected a new upload')
    for (let offset = 0; offset < bytes.length; offset += 100) unwrap(await uploadFileChunk(started.uploadId, offset, bytes.subarray(offset, offset + 100)))
    expect(await completeFileUpload({ uploadId: started.uploadId })).toEqual({
      ok: false,
      error: {
        code: 'invalid_file',
        message: expect.stringMatching(/^This file is encoded as UTF-16LE \(without a byte order mark\).*iconv -f UTF-16LE -t UTF-8 in\.jsonl > out\.jsonl/),
      },
    })
    expect(await db.file.count()).toBe(before)
    expect(uploadsLeft()).toEqual([])
  })

  it('overwrites a resent chunk, refuses a gap, and will not complete early', async () => {
    const bytes = new TextEncoder().encode(chatFile(4, { content: 'resend' }))
    const started = unwrap(await startFileUpload({ filename: 'resend.jsonl', bytes: bytes.length }))
    if (started.kind !== 'started') throw new Error('expected a new upload')
    const { uploadId } = started
    unwrap(await uploadFileChunk(uploadId, 0, bytes.subarray(0, 100)))
    unwrap(await uploadFileChunk(uploadId, 0, bytes.subarray(0, 100)))
    expect(await uploadFileChunk(uploadId, 300, bytes.subarray(300, 400))).toMatchObject({ ok: false, error: { code: 'chunk_out_of_order', param: 'offset' } })
    expect(await uploadFileChunk(uploadId, 100, new Uint8Array(bytes.length).fill(65))).toMatchObject({ ok: false, error: { code: 'chunk_too_large' } })
    expect(await completeFileUpload({ uploadId })).toMatchObject({
      ok: false,
      error: { code: 'upload_incomplete', message: expect.stringContaining(`100 of ${bytes.length} bytes`) },
    })
    unwrap(await uploadFileChunk(uploadId, 100, bytes.subarray(100)))
    const { file } = unwrap(await completeFileUpload({ uploadId }))
    expect(file.bytes).toBe(bytes.length)
  })

  it('cancels an upload, leaving no temp data and no row', async () => {
    const before = await db.file.count()
    const started = unwrap(await startFileUpload({ filename: 'gone.jsonl', bytes: 500 }))
    if (started.kind !== 'started') throw new Error('expected a new upload')
    unwrap(await uploadFileChunk(started.uploadId, 0, new Uint8Array(100).fill(65)))
    unwrap(await cancelFileUpload({ uploadId: started.uploadId }))
    expect(uploadsLeft()).toEqual([])
    expect(await uploadFileChunk(started.uploadId, 100, new Uint8Array(10))).toMatchObject({ ok: false, error: { code: 'upload_not_found' } })
    expect(await db.file.count()).toBe(before)
  })

  it('sweeps abandoned uploads', async () => {
    const started = unwrap(await startFileUpload({ filename: 'abandoned.jsonl', bytes: 500 }))
    expect(uploadsLeft()).toHaveLength(1)
    expect(await sweepUploads(60_000)).toBe(0)
    expect(await sweepUploads(0)).toBe(1)
    expect(uploadsLeft()).toEqual([])
    expect(started.kind).toBe('started')
  })

  it('rejects bad input before touching the disk', async () => {
    expect(await startFileUpload({ filename: 'data.csv', bytes: 10 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', param: 'filename', message: expect.stringContaining('.jsonl') },
    })
    expect(await startFileUpload({ filename: '../../etc/x.jsonl', bytes: 10 })).toMatchObject({ ok: false, error: { param: 'filename' } })
    // Over BATCHBOARD_MAX_UPLOAD_BYTES (2 GiB by default); one batch's 200 MB is no longer the cap, since a job splits the file.
    expect(await startFileUpload({ filename: 'huge.jsonl', bytes: 3_000_000_000 })).toMatchObject({
      ok: false,
      error: { code: 'file_too_large', message: expect.stringContaining('BATCHBOARD_MAX_UPLOAD_BYTES') },
    })
    expect(await uploadFileChunk('upl_../../../etc/passwd', 0, new Uint8Array(1))).toMatchObject({ ok: false, error: { param: 'uploadId' } })
    expect(await completeFileUpload({ uploadId: 'upl_AAAAAAAAAAAAAAAAAAAAAAAA' })).toMatchObject({ ok: false, error: { code: 'upload_not_found' } })
    expect(uploadsLeft()).toEqual([])
  })
})

describe('deleting a file', () => {
  it('is refused while an unfinished batch uses it, and removes the bytes otherwise', async () => {
    const { file } = unwrap((await upload('in-use.jsonl', chatFile(2, { content: 'in use' }))).result)
    await db.batch.create({
      data: { id: 'batch_uses_file', connectionId: 'builtin', endpoint: '/v1/chat/completions', status: 'in_progress', inputFileId: file.id },
    })
    const listed = await callRoute(getFiles, '/api/files')
    expect((listed.body as { data: { id: string; batchCount: number }[] }).data.find((row) => row.id === file.id)).toMatchObject({ batchCount: 1 })
    expect(await deleteFile({ fileId: file.id })).toMatchObject({
      ok: false,
      error: { code: 'file_in_use', message: expect.stringContaining('batch_uses_file') },
    })

    await db.batch.update({ where: { id: 'batch_uses_file' }, data: { status: 'completed' } })
    const row = await db.file.findUniqueOrThrow({ where: { id: file.id } })
    unwrap(await deleteFile({ fileId: file.id }))
    expect(await db.file.findUnique({ where: { id: file.id } })).toBeNull()
    expect(existsSync(path.join(process.env.DATA_DIR!, row.storagePath!))).toBe(false)
    expect(await db.batch.findUniqueOrThrow({ where: { id: 'batch_uses_file' } })).toMatchObject({ inputFileId: null })
  })

  it('answers 404 for an unknown file', async () => {
    expect(await deleteFile({ fileId: 'file-doesnotexist' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect((await callRoute(getFileDetail, '/api/files/file-nope', { fileId: 'file-nope' })).status).toBe(404)
    expect((await callRoute(getFileDetail, '/api/files/..%2F..%2Fetc', { fileId: '../../etc' })).status).toBe(400)
  })
})
