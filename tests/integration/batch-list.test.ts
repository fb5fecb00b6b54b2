import { beforeAll, describe, expect, it } from 'vitest'
import { GET as getFacets } from '@/app/api/batches/facets/route'
import { GET as getBatches } from '@/app/api/batches/route'
import { db } from '@/lib/server/db'
import type { BatchFacets, BatchListPage, FacetCount } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

const list = async (query: string) => {
  const { status, body } = await callRoute(getBatches, `/api/batches?${query}`)
  expect(status).toBe(200)
  return body as BatchListPage
}
const ids = async (query: string) => (await list(query)).data.map((batch) => batch.id)

/** Every page of a query, following nextCursor. */
async function allPages(query: string): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`)
    seen.push(...page.data.map((batch) => batch.id))
    cursor = page.nextCursor
  } while (cursor)
  return seen
}

beforeAll(async () => {
  await db.connection.create({
    data: { id: 'conn_oa', kind: 'openai', name: 'Team OpenAI', baseUrl: 'https://api.openai.com/v1', apiKeyEncrypted: 'x', apiKeyHint: 'abcd' },
  })
  await db.file.create({ data: { id: 'file-invoices', filename: 'invoices-2026.jsonl', purpose: 'batch', bytes: 10n, storagePath: 'files/x.jsonl' } })
  const rows = [
    {
      id: 'batch_a1',
      status: 'completed',
      connectionId: 'builtin',
      model: 'llama3',
      endpoint: '/v1/chat/completions',
      total: 10,
      description: 'Nightly summaries',
      metadata: { team: 'support' },
    },
    {
      id: 'batch_a2',
      status: 'failed',
      connectionId: 'builtin',
      model: 'llama3',
      endpoint: '/v1/embeddings',
      total: 500,
      description: null,
      metadata: { project: 'Zephyr 100%' },
    },
    {
      id: 'batch_b3',
      status: 'in_progress',
      connectionId: 'conn_oa',
      model: 'gpt-4o-mini',
      endpoint: '/v1/chat/completions',
      total: 42,
      description: 'Invoice extraction',
      inputFileId: 'file-invoices',
      remoteId: 'batch_remote77',
    },
    { id: 'batch_b4', status: 'completed', connectionId: 'conn_oa', model: 'gpt-4o-mini', endpoint: '/v1/chat/completions', total: 7, description: 'Tagging' },
    { id: 'batch_b5', status: 'cancelled', connectionId: 'conn_oa', model: null, endpoint: '/v1/embeddings', total: 42, description: 'team meeting notes' },
  ]
  for (const [index, row] of rows.entries()) {
    const { total, ...data } = row
    await db.batch.create({ data: { ...data, requestCountTotal: total, createdAt: new Date(Date.UTC(2026, 10, 1 + index)) } })
  }
})

describe('GET /api/batches filters', () => {
  it('filters by one status or several', async () => {
    expect(await ids('status=completed')).toEqual(['batch_b4', 'batch_a1'])
    expect(await ids('status=completed,failed')).toEqual(['batch_b4', 'batch_a2', 'batch_a1'])
  })

  it('filters by connection, endpoint and model, together with the total', async () => {
    expect(await ids('connectionId=conn_oa')).toEqual(['batch_b5', 'batch_b4', 'batch_b3'])
    expect(await ids('endpoint=/v1/embeddings')).toEqual(['batch_b5', 'batch_a2'])
    expect(await list('model=gpt-4o-mini&endpoint=/v1/chat/completions')).toMatchObject({ total: 2, data: [{ id: 'batch_b4' }, { id: 'batch_b3' }] })
  })

  it('refuses an unknown status, naming the parameter', async () => {
    const { status, body } = await callRoute(getBatches, '/api/batches?status=completed,done')
    expect(status).toBe(400)
    expect(body).toMatchObject({ error: { param: expect.stringMatching(/^status/) } })
  })
})

describe('GET /api/batches search', () => {
  it('finds a batch by id prefix or remote id', async () => {
    expect(await ids('q=batch_b')).toEqual(['batch_b5', 'batch_b4', 'batch_b3'])
    expect(await ids('q=batch_remote77')).toEqual(['batch_b3'])
    // An id matches from its start only.
    expect(await ids('q=a1')).toEqual([])
  })

  it('finds words in the description, metadata values and input file name, ignoring case', async () => {
    expect(await ids('q=NIGHTLY')).toEqual(['batch_a1'])
    expect(await ids('q=zephyr')).toEqual(['batch_a2'])
    expect(await ids('q=invoices-2026')).toEqual(['batch_b3'])
    // A metadata key is not a value: "team" finds the description that says it, not the batch with a `team` key.
    expect(await ids('q=team')).toEqual(['batch_b5'])
  })

  it('matches within one metadata value, never across two', async () => {
    // PostgreSQL's trigram index holds a batch's metadata values joined in one text; the query tests each value again.
    await db.batch.create({
      data: { id: 'batch_c6', status: 'completed', connectionId: 'builtin', endpoint: '/v1/chat/completions', metadata: { a: 'alpha', b: 'beta' } },
    })
    try {
      expect(await ids('q=alpha')).toEqual(['batch_c6'])
      expect(await ids(`q=${encodeURIComponent('alpha\nbeta')}`)).toEqual([])
    } finally {
      await db.batch.delete({ where: { id: 'batch_c6' } })
    }
  })

  it('finds matches beyond the batches it tests one by one, on every page', async () => {
    // A search first tests the next 1,000 batches in list order (lib/server/batches/list.ts), then looks its matches
    // up: 1,100 newer batches that do not match put the older matches beyond that window.
    const newer = Array.from({ length: 1_100 }, (_, index) => ({
      id: `batch_z${String(index).padStart(4, '0')}`,
      status: 'completed',
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      description: 'Unrelated',
      createdAt: new Date(Date.UTC(2026, 10, 10) + index * 1000),
    }))
    await db.batch.createMany({ data: newer })
    try {
      expect(await list('q=batch_b')).toMatchObject({ total: 3, data: [{ id: 'batch_b5' }, { id: 'batch_b4' }, { id: 'batch_b3' }] })
      expect(await allPages('q=batch_b&limit=1')).toEqual(['batch_b5', 'batch_b4', 'batch_b3'])
      expect(await allPages('q=unrelated&limit=200')).toEqual(newer.map((batch) => batch.id).reverse())
    } finally {
      await db.batch.deleteMany({ where: { id: { startsWith: 'batch_z' } } })
    }
  })

  it('treats % and _ as plain characters', async () => {
    expect(await ids('q=100%')).toEqual(['batch_a2'])
    expect(await ids(`q=${encodeURIComponent('%')}`)).toEqual(['batch_a2'])
  })
})

describe('GET /api/batches sort and paging', () => {
  it('sorts by created (newest first by default, or oldest), status and requests', async () => {
    expect(await ids('')).toEqual(['batch_b5', 'batch_b4', 'batch_b3', 'batch_a2', 'batch_a1'])
    expect(await ids('sort=created&order=asc')).toEqual(['batch_a1', 'batch_a2', 'batch_b3', 'batch_b4', 'batch_b5'])
    expect(await ids('sort=requests&order=desc')).toEqual(['batch_a2', 'batch_b5', 'batch_b3', 'batch_a1', 'batch_b4'])
    expect(await ids('sort=status&order=asc')).toEqual(['batch_b5', 'batch_a1', 'batch_b4', 'batch_a2', 'batch_b3'])
  })

  it('pages through every sort with cursors, each batch once, in the same order as one page', async () => {
    for (const query of [
      'sort=created&order=desc',
      'sort=created&order=asc',
      'sort=requests&order=desc',
      'sort=requests&order=asc',
      'sort=status&order=asc',
      'status=completed,cancelled,in_progress&sort=status&order=desc',
      'q=batch_b&sort=created&order=desc',
      'q=batch_&sort=requests&order=asc',
    ]) {
      expect(await allPages(`${query}&limit=2`)).toEqual(await ids(query))
    }
  })

  it('counts the total on the first page only', async () => {
    const first = await list('limit=2')
    expect(first).toMatchObject({ total: 5, nextCursor: expect.any(String) })
    expect(await list(`limit=2&cursor=${first.nextCursor}`)).toMatchObject({ total: null })
  })

  it('refuses a cursor from another sort or a made-up one', async () => {
    const first = await list('limit=2')
    expect((await callRoute(getBatches, `/api/batches?limit=2&sort=requests&cursor=${first.nextCursor}`)).status).toBe(400)
    expect(await callRoute(getBatches, '/api/batches?cursor=batch_a1')).toMatchObject({ status: 400, body: { error: { param: 'cursor' } } })
  })
})

describe('GET /api/batches/facets', () => {
  it('offers each status, connection, endpoint and model that has batches, with counts', async () => {
    const { status, body } = await callRoute(getFacets, '/api/batches/facets')
    expect(status).toBe(200)
    const facets = body as BatchFacets
    expect(facets.connections).toEqual([
      { value: 'conn_oa', label: 'Team OpenAI', count: 3 },
      { value: 'builtin', label: 'Built-in engine', count: 2 },
    ])
    expect(facets.endpoints).toEqual([
      { value: '/v1/chat/completions', label: '/v1/chat/completions', count: 3 },
      { value: '/v1/embeddings', label: '/v1/embeddings', count: 2 },
    ])
    expect(facets.models.map((model) => [model.value, model.count])).toEqual([
      ['gpt-4o-mini', 2],
      ['llama3', 2],
    ])
    expect(facets.statuses).toContainEqual({ value: 'completed', label: 'Completed', count: 2 })
  })

  it('counts each menu under the other filters and the search, never under its own choice', async () => {
    const facets = async (query: string) => (await callRoute(getFacets, `/api/batches/facets?${query}`)).body as BatchFacets
    const counts = (list: FacetCount[]) => Object.fromEntries(list.map((facet) => [facet.value, facet.count]))

    const openai = await facets('connectionId=conn_oa')
    expect(counts(openai.statuses)).toEqual({ in_progress: 1, completed: 1, cancelled: 1 })
    expect(counts(openai.models)).toEqual({ 'gpt-4o-mini': 2 })
    // Its own menu still offers every connection, so the choice can be changed.
    expect(counts(openai.connections)).toEqual({ conn_oa: 3, builtin: 2 })

    const completedChat = await facets('status=completed&endpoint=/v1/chat/completions')
    expect(counts(completedChat.connections)).toEqual({ builtin: 1, conn_oa: 1 })
    expect(counts(completedChat.statuses)).toEqual({ completed: 2, in_progress: 1 })

    // A chosen value that the other filters leave empty stays in its menu at 0.
    const none = await facets('model=llama3&connectionId=conn_oa')
    expect(counts(none.models)).toEqual({ 'gpt-4o-mini': 2, llama3: 0 })
    expect(counts(none.statuses)).toEqual({})

    expect(counts((await facets('q=invoice')).statuses)).toEqual({ in_progress: 1 })
    expect((await callRoute(getFacets, '/api/batches/facets?status=bogus')).status).toBe(400)
  })
})
