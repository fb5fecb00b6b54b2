import type { NextRequest } from 'next/server'
import { beforeAll, describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  process.env.BATCHBOARD_API_KEY = 'hostile-input-test-key'
})

const { createBatch, cancelBatch, deleteBatch } = await import('@/lib/actions/batches')
const { saveConnection, deleteConnection, testConnection } = await import('@/lib/actions/connections')
const { saveUpstream, deleteUpstream, testUpstream } = await import('@/lib/actions/upstreams')
const { startFileUpload, completeFileUpload, cancelFileUpload, deleteFile } = await import('@/lib/actions/files')
const { createApiKey, revokeApiKey } = await import('@/lib/actions/api-keys')
const { logIn, setUpAdmin } = await import('@/lib/actions/auth')
const apiBatch = await import('@/app/api/batches/[batchId]/route')
const apiBatches = await import('@/app/api/batches/route')
const apiFile = await import('@/app/api/files/[fileId]/route')
const apiFileContent = await import('@/app/api/files/[fileId]/content/route')
const apiFilePreview = await import('@/app/api/files/[fileId]/preview/route')
const apiFiles = await import('@/app/api/files/route')
const apiRouting = await import('@/app/api/engine/routing/route')
const apiUpload = await import('@/app/api/uploads/[uploadId]/route')
const v1Batch = await import('@/app/v1/batches/[batchId]/route')
const v1BatchCancel = await import('@/app/v1/batches/[batchId]/cancel/route')
const v1Batches = await import('@/app/v1/batches/route')
const v1File = await import('@/app/v1/files/[fileId]/route')
const v1FileContent = await import('@/app/v1/files/[fileId]/content/route')
const v1Files = await import('@/app/v1/files/route')
const { db } = await import('@/lib/server/db')
const { callRoute } = await import('@/tests/support/routes')
const { listDataFiles } = await import('@/tests/support/data-dir')

const TRAVERSAL = '../../secret.key'
const NUL = 'batch_abc\0def'
const HUGE = 'x'.repeat(100_000)
const V1_AUTH = { authorization: 'Bearer hostile-input-test-key' }

/** Everything a request could write: the rows of every table and the files under DATA_DIR. */
async function snapshot() {
  const counts = await Promise.all([
    db.connection.count(),
    db.file.count(),
    db.batch.count(),
    db.engineRun.count(),
    db.upstream.count(),
    db.apiKey.count(),
    db.session.count(),
    db.adminAccount.count(),
  ])
  return { counts, files: listDataFiles() }
}

type Route = (request: NextRequest, context: { params?: Promise<Record<string, string>> }) => Promise<Response>
type RouteCase = { name: string; route: Route; url: string; params?: Record<string, string>; init?: ConstructorParameters<typeof NextRequest>[1]; v1?: boolean }

const put = (body: BodyInit) => ({ method: 'PUT', body, duplex: 'half' }) as RouteCase['init']
const postJson = (body: string) => ({ method: 'POST', body, headers: { ...V1_AUTH, 'content-type': 'application/json' } })

// Not here: POST /v1/batches with an unknown input_file_id answers 200 and the batch fails at validation, as
// OpenAI's does (https://platform.openai.com/docs/guides/error-codes); the id is only ever a database key, never a path.
const ROUTES: RouteCase[] = [
  { name: 'batch id with ../', route: apiBatch.GET, url: '/api/batches/x', params: { batchId: `batch_${TRAVERSAL}` } },
  { name: 'batch id with NUL', route: apiBatch.GET, url: '/api/batches/x', params: { batchId: NUL } },
  { name: 'batch id of 100k characters', route: apiBatch.GET, url: '/api/batches/x', params: { batchId: `batch_${HUGE}` } },
  { name: 'batch list: unknown status', route: apiBatches.GET, url: '/api/batches?status=completed,<script>' },
  { name: 'batch list: limit is text', route: apiBatches.GET, url: '/api/batches?limit=ten' },
  { name: 'batch list: limit too large', route: apiBatches.GET, url: '/api/batches?limit=100000' },
  { name: 'batch list: unknown sort', route: apiBatches.GET, url: '/api/batches?sort=id;DROP TABLE Batch' },
  { name: 'batch list: garbage cursor', route: apiBatches.GET, url: '/api/batches?cursor=%00%00not-a-cursor' },
  { name: 'batch list: huge search', route: apiBatches.GET, url: `/api/batches?q=${'a'.repeat(5000)}` },
  { name: 'file id with ../', route: apiFile.GET, url: '/api/files/x', params: { fileId: `file-${TRAVERSAL}` } },
  { name: 'file id with NUL', route: apiFile.GET, url: '/api/files/x', params: { fileId: 'file-abc\0' } },
  { name: 'file content: path to the database', route: apiFileContent.GET, url: '/api/files/x/content', params: { fileId: '../batchboard.db' } },
  { name: 'file preview: lines is negative', route: apiFilePreview.GET, url: '/api/files/file-abc/preview?lines=-5', params: { fileId: 'file-abc' } },
  { name: 'file preview: lines of a billion', route: apiFilePreview.GET, url: '/api/files/file-abc/preview?lines=1000000000', params: { fileId: 'file-abc' } },
  { name: 'file list: unknown purpose', route: apiFiles.GET, url: '/api/files?purpose=fine-tune' },
  { name: 'routing: no model', route: apiRouting.GET, url: '/api/engine/routing' },
  { name: 'routing: huge model', route: apiRouting.GET, url: `/api/engine/routing?model=${'m'.repeat(5000)}` },
  { name: 'upload chunk: id with ../', route: apiUpload.PUT, url: '/api/uploads/x?offset=0', params: { uploadId: `upl_${TRAVERSAL}` }, init: put('data') },
  {
    name: 'upload chunk: unknown upload',
    route: apiUpload.PUT,
    url: '/api/uploads/x?offset=0',
    params: { uploadId: 'upl_AAAAAAAAAAAAAAAAAAAAAAAA' },
    init: put('data'),
  },
  {
    name: 'upload chunk: offset is text',
    route: apiUpload.PUT,
    url: '/api/uploads/x?offset=abc',
    params: { uploadId: 'upl_AAAAAAAAAAAAAAAAAAAAAAAA' },
    init: put('data'),
  },
  {
    name: 'upload chunk: negative offset',
    route: apiUpload.PUT,
    url: '/api/uploads/x?offset=-1',
    params: { uploadId: 'upl_AAAAAAAAAAAAAAAAAAAAAAAA' },
    init: put('data'),
  },
  { name: 'v1 batch id with ../', route: v1Batch.GET, url: '/v1/batches/x', params: { batchId: TRAVERSAL }, init: { headers: V1_AUTH }, v1: true },
  { name: 'v1 batch id with NUL', route: v1Batch.GET, url: '/v1/batches/x', params: { batchId: NUL }, init: { headers: V1_AUTH }, v1: true },
  {
    name: 'v1 cancel: id with ../',
    route: v1BatchCancel.POST,
    url: '/v1/batches/x/cancel',
    params: { batchId: TRAVERSAL },
    init: { method: 'POST', headers: V1_AUTH },
    v1: true,
  },
  { name: 'v1 batch list: limit is text', route: v1Batches.GET, url: '/v1/batches?limit=lots', init: { headers: V1_AUTH }, v1: true },
  { name: 'v1 create: not JSON', route: v1Batches.POST, url: '/v1/batches', init: postJson('{"input_file_id":'), v1: true },
  {
    name: 'v1 create: wrong types',
    route: v1Batches.POST,
    url: '/v1/batches',
    init: postJson(JSON.stringify({ input_file_id: 42, endpoint: ['/v1/chat/completions'], completion_window: 24 })),
    v1: true,
  },
  {
    name: 'v1 create: 17 metadata pairs',
    route: v1Batches.POST,
    url: '/v1/batches',
    init: postJson(
      JSON.stringify({
        input_file_id: 'file-abc',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
      }),
    ),
    v1: true,
  },
  {
    name: 'v1 create: a metadata value of 100k',
    route: v1Batches.POST,
    url: '/v1/batches',
    init: postJson(JSON.stringify({ input_file_id: 'file-abc', endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { note: HUGE } })),
    v1: true,
  },
  {
    name: 'v1 create: a 5 MB body',
    route: v1Batches.POST,
    url: '/v1/batches',
    init: postJson(JSON.stringify({ input_file_id: 'file-abc', endpoint: '/v1/chat/completions', completion_window: '24h', padding: 'p'.repeat(5_000_000) })),
    v1: true,
  },
  { name: 'v1 file id with ../', route: v1File.GET, url: '/v1/files/x', params: { fileId: TRAVERSAL }, init: { headers: V1_AUTH }, v1: true },
  {
    name: 'v1 delete file: NUL id',
    route: v1File.DELETE,
    url: '/v1/files/x',
    params: { fileId: 'file-\0' },
    init: { method: 'DELETE', headers: V1_AUTH },
    v1: true,
  },
  {
    name: 'v1 file content: path to the key',
    route: v1FileContent.GET,
    url: '/v1/files/x/content',
    params: { fileId: '../secret.key' },
    init: { headers: V1_AUTH },
    v1: true,
  },
  { name: 'v1 upload: not multipart', route: v1Files.POST, url: '/v1/files', init: postJson('{"purpose":"batch"}'), v1: true },
]

const ACTIONS: { name: string; call: () => Promise<{ ok: boolean; error?: { code: string; message: string } }> }[] = [
  { name: 'createBatch: file id with ../', call: () => createBatch({ fileId: `file-${TRAVERSAL}`, connectionId: 'builtin', completionWindow: '24h' }) },
  { name: 'createBatch: wrong types', call: () => createBatch({ fileId: 5, connectionId: null, completionWindow: 24 } as never) },
  {
    name: 'createBatch: 17 metadata pairs',
    call: () =>
      createBatch({
        fileId: 'file-abc',
        connectionId: 'builtin',
        completionWindow: '24h',
        metadata: Array.from({ length: 17 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      }),
  },
  {
    name: 'createBatch: a metadata value of 100k',
    call: () => createBatch({ fileId: 'file-abc', connectionId: 'builtin', completionWindow: '24h', metadata: [{ key: 'note', value: HUGE }] }),
  },
  { name: 'createBatch: unknown file', call: () => createBatch({ fileId: 'file-doesnotexist', connectionId: 'builtin', completionWindow: '24h' }) },
  { name: 'cancelBatch: id with ../', call: () => cancelBatch({ batchId: `batch_${TRAVERSAL}` }) },
  { name: 'deleteBatch: id with NUL', call: () => deleteBatch({ batchId: NUL }) },
  { name: 'startFileUpload: name with ../', call: () => startFileUpload({ filename: '../../evil.jsonl', bytes: 10 }) },
  { name: 'startFileUpload: name with NUL', call: () => startFileUpload({ filename: 'a\0.jsonl', bytes: 10 }) },
  { name: 'startFileUpload: bytes as text', call: () => startFileUpload({ filename: 'a.jsonl', bytes: '10' } as never) },
  { name: 'startFileUpload: a terabyte', call: () => startFileUpload({ filename: 'a.jsonl', bytes: 1e12 }) },
  { name: 'completeFileUpload: id with ../', call: () => completeFileUpload({ uploadId: `upl_${TRAVERSAL}` }) },
  { name: 'cancelFileUpload: id with NUL', call: () => cancelFileUpload({ uploadId: 'upl_\0' }) },
  { name: 'deleteFile: path to the key', call: () => deleteFile({ fileId: '../secret.key' }) },
  { name: 'saveConnection: javascript: URL', call: () => saveConnection({ name: 'x', baseUrl: 'javascript:alert(1)' }) },
  { name: 'saveConnection: file: URL', call: () => saveConnection({ name: 'x', baseUrl: 'file:///etc/passwd' }) },
  { name: 'saveConnection: huge key', call: () => saveConnection({ name: 'x', apiKey: HUGE }) },
  { name: 'saveConnection: edit an id with ../', call: () => saveConnection({ id: TRAVERSAL, name: 'x' }) },
  { name: 'deleteConnection: id with NUL', call: () => deleteConnection({ id: 'conn_\0' }) },
  { name: 'testConnection: id with ../', call: () => testConnection({ id: TRAVERSAL }) },
  { name: 'saveUpstream: file: URL', call: () => saveUpstream({ name: 'x', baseUrl: 'file:///etc/passwd' }) },
  { name: 'saveUpstream: models as a string', call: () => saveUpstream({ name: 'x', baseUrl: 'http://127.0.0.1:1/v1', models: '*' } as never) },
  {
    name: 'saveUpstream: header name with a newline',
    call: () => saveUpstream({ name: 'x', baseUrl: 'http://127.0.0.1:1/v1', headers: { 'x-a\r\nx-b': 'v' } }),
  },
  { name: 'deleteUpstream: id with ../', call: () => deleteUpstream({ id: TRAVERSAL }) },
  { name: 'testUpstream: id with NUL', call: () => testUpstream({ id: '\0' }) },
  { name: 'createApiKey: name of 100k', call: () => createApiKey({ name: HUGE }) },
  { name: 'createApiKey: name as a number', call: () => createApiKey({ name: 7 } as never) },
  { name: 'revokeApiKey: id with ../', call: () => revokeApiKey({ id: TRAVERSAL }) },
  { name: 'logIn: password as an object', call: () => logIn({ password: { $ne: '' } } as never) },
  { name: 'logIn: unknown field', call: () => logIn({ password: 'x', admin: true } as never) },
  { name: 'setUpAdmin: password of 100k', call: () => setUpAdmin({ password: HUGE, confirm: HUGE }) },
]

let before: Awaited<ReturnType<typeof snapshot>>
beforeAll(async () => {
  before = await snapshot()
})

describe('hostile input to route handlers', () => {
  it.each(ROUTES)('$name: a 4xx in the one error shape, nothing written', async ({ route, url, params, init, v1 }) => {
    const { status, body } = await callRoute(route, url, params, init)
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
    if (v1)
      expect(body).toEqual({
        error: {
          message: expect.any(String),
          type: 'invalid_request_error',
          param: expect.toBeOneOf([expect.any(String), null]),
          code: expect.toBeOneOf([expect.any(String), null]),
        },
      })
    else expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) })
    expect(JSON.stringify(body).length).toBeLessThan(2_000)
    expect(await snapshot()).toEqual(before)
  })
})

describe('hostile input to server actions', () => {
  it.each(ACTIONS)('$name: refused in the one error shape, nothing written', async ({ call }) => {
    const result = await call()
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) })
    expect(result.error!.code).not.toBe('internal_error')
    expect(JSON.stringify(result).length).toBeLessThan(2_000)
    expect(await snapshot()).toEqual(before)
  })
})
