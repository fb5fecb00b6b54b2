import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GET as getConnections } from '@/app/api/connections/route'
import { GET as getApiKeys } from '@/app/api/api-keys/route'
import { GET as getRouting } from '@/app/api/engine/routing/route'
import { GET as getUpstreams } from '@/app/api/engine/upstreams/route'
import { GET as getSystem } from '@/app/api/system/route'
import { deleteUpstream, saveUpstream, testUpstream } from '@/lib/actions/upstreams'
import { db } from '@/lib/server/db'
import { resolveUpstream } from '@/lib/server/engine/upstreams'
import type { EngineUpstreams, ModelRoute, UpstreamSummary } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

const KEY = 'sk-planted-upstream-key-7f3a9c'
const HEADER_VALUE = 'planted-header-value-b81e44'

type Seen = { method: string; url: string; authorization: string | undefined; project: string | undefined }

/** A stand-in for an OpenAI-compatible server: /v1/models answers 200 with the right key, and 401 (echoing what it got, as some servers do) otherwise. */
async function startModelsServer() {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      project: req.headers['openai-project'] as string | undefined,
    })
    if (req.url !== '/v1/models') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Not found' } }))
      return
    }
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      const message = `Incorrect API key provided: ${req.headers.authorization ?? 'none'}. You can find your API key at https://example.test/keys.`
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } }))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        object: 'list',
        data: [
          { id: 'llama3.1:8b', object: 'model' },
          { id: 'qwen2.5:7b', object: 'model' },
        ],
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let stub: Awaited<ReturnType<typeof startModelsServer>>
/** Every answer the browser could receive in this file: none may hold a planted secret. */
const answers: unknown[] = []
const keep = <T>(value: T): T => {
  answers.push(value)
  return value
}

beforeAll(async () => {
  stub = await startModelsServer()
})

afterAll(async () => {
  await stub.close()
})

const validInput = () => ({
  name: 'ollama',
  baseUrl: stub.baseUrl,
  apiKey: KEY,
  models: ['llama*', 'qwen*'],
  maxConcurrency: 4,
  timeoutMs: 60_000,
  headers: { 'OpenAI-Project': HEADER_VALUE },
})

async function saved(input: Parameters<typeof saveUpstream>[0]): Promise<UpstreamSummary> {
  const result = keep(await saveUpstream(input))
  if (!result.ok) expect.fail(`save failed: ${result.error.message}`)
  return result.data
}

describe('saving an upstream from Connections → Built-in engine', () => {
  it('stores it encrypted and answers with the key hint and header names only', async () => {
    const upstream = await saved(validInput())
    expect(upstream).toEqual({
      id: expect.stringMatching(/^ups_/),
      name: 'ollama',
      baseUrl: stub.baseUrl,
      apiKeyHint: KEY.slice(-4),
      models: ['llama*', 'qwen*'],
      maxConcurrency: 4,
      timeoutMs: 60_000,
      headerNames: ['OpenAI-Project'],
      source: 'user',
    })
    const row = await db.upstream.findUniqueOrThrow({ where: { id: upstream.id } })
    expect(JSON.stringify(row)).not.toContain(KEY)
    expect(JSON.stringify(row)).not.toContain(HEADER_VALUE)

    const list = keep(await callRoute(getUpstreams, '/api/engine/upstreams'))
    expect(list.status).toBe(200)
    const body = list.body as EngineUpstreams
    expect(body.upstreams.map((u) => u.name)).toEqual(['ollama'])
    // With an upstream configured, the simulator keeps only sim-* models.
    expect(body.simulator).toMatchObject({ serves: 'sim', latencyMs: 0, errorRate: 0 })
  })

  it('names the bad field of an invalid upstream and saves nothing', async () => {
    const before = await db.upstream.count()
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: '' }, 'name', /give the upstream a name/],
      [{ baseUrl: 'ftp://example.test' }, 'baseUrl', /http:\/\/ or https:\/\//],
      [{ models: [] }, 'models', /at least one model/],
      [{ maxConcurrency: 0 }, 'maxConcurrency', /at least 1/],
      [{ timeoutMs: 10 }, 'timeoutMs', /at least 1 second/],
      [{ headers: { 'bad header': 'x' } }, 'headers.bad header', /header name/],
    ]
    for (const [change, param, message] of cases) {
      const result = keep(await saveUpstream({ ...validInput(), name: 'other', ...change } as Parameters<typeof saveUpstream>[0]))
      expect(result, param).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(message), param } })
    }
    expect(await db.upstream.count()).toBe(before)
  })

  it('refuses a second upstream with a taken name, and the simulator’s name', async () => {
    expect(keep(await saveUpstream(validInput()))).toEqual({
      ok: false,
      error: { code: 'name_taken', message: "An upstream named 'ollama' already exists.", param: 'name' },
    })
    expect(keep(await saveUpstream({ ...validInput(), name: 'simulator' }))).toMatchObject({ ok: false, error: { param: 'name' } })
  })

  it('keeps the key and header values it is not sent, and removes the key on request', async () => {
    const [current] = (await db.upstream.findMany({ where: { name: 'ollama' } })).map((row) => row.id)
    const edited = await saved({
      ...validInput(),
      id: current,
      apiKey: undefined,
      headers: { 'X-Extra': 'abc' },
      keepHeaders: ['OpenAI-Project'],
      maxConcurrency: 16,
    })
    expect(edited).toMatchObject({ apiKeyHint: KEY.slice(-4), headerNames: ['OpenAI-Project', 'X-Extra'], maxConcurrency: 16 })
    const target = await resolveUpstream('llama3.1:8b')
    expect(target?.headers).toEqual({ 'OpenAI-Project': HEADER_VALUE, 'X-Extra': 'abc', authorization: `Bearer ${KEY}` })

    const dropped = await saved({ ...validInput(), id: current, apiKey: undefined, headers: {}, keepHeaders: ['OpenAI-Project'] })
    expect(dropped.headerNames).toEqual(['OpenAI-Project'])
  })

  it('routes a model by the engine’s rule without starting the simulator', async () => {
    const route = async (model: string) => keep(await callRoute(getRouting, `/api/engine/routing?model=${encodeURIComponent(model)}`)).body as ModelRoute
    expect(await route('llama3.1:8b')).toMatchObject({ upstream: { name: 'ollama' }, reason: 'pattern', pattern: 'llama*' })
    expect(await route('sim-chat')).toEqual({ model: 'sim-chat', upstream: 'simulator', reason: 'sim-model' })
    expect(await route('gpt-4o')).toEqual({ model: 'gpt-4o', upstream: null, reason: 'no-match' })
    expect(keep(await callRoute(getRouting, '/api/engine/routing?model='))).toMatchObject({ status: 400, body: { error: { param: 'model' } } })
  })
})

describe('testing an upstream', () => {
  it('reports the latency and the models a working server lists, sending its key and headers', async () => {
    const [id] = (await db.upstream.findMany({ where: { name: 'ollama' } })).map((row) => row.id)
    stub.seen.length = 0
    const result = keep(await testUpstream({ id: id! }))
    expect(result).toEqual({ ok: true, data: { ok: true, latencyMs: expect.any(Number), status: 200, models: ['llama3.1:8b', 'qwen2.5:7b'] } })
    expect(stub.seen).toEqual([{ method: 'GET', url: '/v1/models', authorization: `Bearer ${KEY}`, project: HEADER_VALUE }])
  })

  it('shows a 401 with the server’s own message, with the key it echoed redacted', async () => {
    const wrong = await saved({ ...validInput(), name: 'wrong-key', apiKey: 'sk-wrong-key-1234567', models: ['wrong-*'] })
    const result = keep(await testUpstream({ id: wrong.id }))
    expect(result).toEqual({
      ok: true,
      data: {
        ok: false,
        latencyMs: expect.any(Number),
        status: 401,
        message: '401 Unauthorized: Incorrect API key provided: [redacted]. You can find your API key at https://example.test/keys.',
      },
    })
    expect(JSON.stringify(result)).not.toContain('sk-wrong-key-1234567')
  })

  it('says when nothing answers', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const down = await saved({ ...validInput(), name: 'down', baseUrl: `http://127.0.0.1:${port}/v1`, models: ['down-*'] })
    const result = keep(await testUpstream({ id: down.id }))
    expect(result).toEqual({
      ok: true,
      data: { ok: false, latencyMs: expect.any(Number), status: null, message: `Could not reach the server: connect ECONNREFUSED 127.0.0.1:${port}` },
    })
  })
})

describe('upstreams from BATCHBOARD_UPSTREAMS', () => {
  it('are read-only in the app', async () => {
    const seeded = await db.upstream.create({ data: { id: 'ups_env', name: 'from-env', baseUrl: 'http://127.0.0.1:9/v1', models: ['env-*'], source: 'env' } })
    const refusal = {
      ok: false,
      error: { code: 'read_only', message: "'from-env' is set by BATCHBOARD_UPSTREAMS; change it there and restart Batchboard.", param: 'id' },
    }
    expect(keep(await saveUpstream({ ...validInput(), id: seeded.id, name: 'from-env' }))).toEqual(refusal)
    expect(keep(await deleteUpstream({ id: seeded.id }))).toEqual(refusal)
    await db.upstream.delete({ where: { id: seeded.id } })
  })
})

describe('deleting an upstream', () => {
  it('removes it from the list', async () => {
    const [id] = (await db.upstream.findMany({ where: { name: 'down' } })).map((row) => row.id)
    expect(keep(await deleteUpstream({ id: id! }))).toEqual({ ok: true, data: { id } })
    expect(keep(await deleteUpstream({ id: id! }))).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const body = keep(await callRoute(getUpstreams, '/api/engine/upstreams')).body as EngineUpstreams
    expect(body.upstreams.map((u) => u.name)).toEqual(['ollama', 'wrong-key'])
  })
})

describe('secrets', () => {
  it('appear in no GET route answer and no action result', async () => {
    for (const [handler, url] of [
      [getUpstreams, '/api/engine/upstreams'],
      [getRouting, '/api/engine/routing?model=llama3'],
      [getConnections, '/api/connections'],
      [getSystem, '/api/system'],
      [getApiKeys, '/api/api-keys'],
    ] as const) {
      keep(await callRoute(handler, url))
    }
    expect(answers.length).toBeGreaterThan(20)
    const everything = JSON.stringify(answers)
    expect(everything).toContain(KEY.slice(-4))
    expect(everything).toContain('OpenAI-Project')
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain(HEADER_VALUE)
  })
})
