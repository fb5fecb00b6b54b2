import { beforeAll, describe, expect, it } from 'vitest'
import { GET as getFacets } from '@/app/api/batches/facets/route'
import { GET as getBatches } from '@/app/api/batches/route'
import { groupByJob } from '@/lib/batch/job-groups'
import { db } from '@/lib/server/db'
import type { BatchFacets, BatchListPage } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

const list = async (query: string) => {
  const { status, body } = await callRoute(getBatches, `/api/batches?${query}`)
  expect(status).toBe(200)
  return body as BatchListPage
}
const ids = async (query: string) => (await list(query)).data.map((batch) => batch.id)

// Two jobs on the built-in engine, their parts interleaved in time with batches started on their own:
// 1 solo, 2 job A part 1, 3 job B part 1, 4 solo, 5 job A part 2 (created in this order, a day apart).
beforeAll(async () => {
  const limits = { maxRequests: 10, maxBytes: 1_000_000, maxTokens: null }
  await db.job.create({
    data: {
      id: 'job_alpha',
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      description: 'Alpha reviews',
      status: 'running',
      limits,
      lineCount: 30,
      linesSucceeded: 12,
      linesFailed: 1,
    },
  })
  await db.job.create({
    data: { id: 'job_beta', connectionId: 'builtin', endpoint: '/v1/embeddings', status: 'completed', limits, lineCount: 5, linesSucceeded: 5 },
  })
  const batches = [
    { id: 'batch_solo1', jobId: null },
    { id: 'batch_alpha1', jobId: 'job_alpha' },
    { id: 'batch_beta1', jobId: 'job_beta' },
    { id: 'batch_solo2', jobId: null },
    { id: 'batch_alpha2', jobId: 'job_alpha' },
  ]
  for (const [index, batch] of batches.entries()) {
    await db.batch.create({
      data: { ...batch, connectionId: 'builtin', endpoint: '/v1/chat/completions', status: 'completed', createdAt: new Date(Date.UTC(2026, 10, 1 + index)) },
    })
  }
  // Job alpha has a third part still queued (no batch yet): the group row counts the job's parts, not its listed batches.
  for (const [seq, batchId] of [
    [1, 'batch_alpha1'],
    [2, 'batch_alpha2'],
    [3, null],
  ] as const) {
    await db.jobPart.create({
      data: { id: `jpart_alpha${seq}`, jobId: 'job_alpha', seq, lineCount: 10, bytes: 100n, estimatedTokens: 50n, batchId, submitKey: `alpha-${seq}` },
    })
  }
  await db.jobPart.create({
    data: { id: 'jpart_beta1', jobId: 'job_beta', seq: 1, lineCount: 5, bytes: 50n, estimatedTokens: 20n, batchId: 'batch_beta1', submitKey: 'beta-1' },
  })
})

describe('GET /api/batches and jobs', () => {
  it('says which job each batch is a part of, with the jobs of the page', async () => {
    const page = await list('')
    expect(page.data.map((batch) => [batch.id, batch.jobId])).toEqual([
      ['batch_alpha2', 'job_alpha'],
      ['batch_solo2', null],
      ['batch_beta1', 'job_beta'],
      ['batch_alpha1', 'job_alpha'],
      ['batch_solo1', null],
    ])
    expect(page.jobs).toEqual({
      job_alpha: {
        id: 'job_alpha',
        description: 'Alpha reviews',
        status: 'running',
        partCount: 3,
        lines: { total: 30, succeeded: 12, failed: 1, pending: 17 },
      },
      job_beta: { id: 'job_beta', description: null, status: 'completed', partCount: 1, lines: { total: 5, succeeded: 5, failed: 0, pending: 0 } },
    })
  })

  it('filters to the parts of jobs, or hides them, with totals and facets that follow', async () => {
    expect(await list('jobs=only')).toMatchObject({ total: 3 })
    expect(await ids('jobs=only')).toEqual(['batch_alpha2', 'batch_beta1', 'batch_alpha1'])
    expect(await list('jobs=hide')).toMatchObject({ total: 2, jobs: {} })
    expect(await ids('jobs=hide')).toEqual(['batch_solo2', 'batch_solo1'])
    const { body } = await callRoute(getFacets, '/api/batches/facets?jobs=only')
    expect((body as BatchFacets).statuses).toEqual([{ value: 'completed', label: expect.any(String), count: 3 }])
  })

  it('pages the filtered list by keyset, each part once', async () => {
    const first = await list('jobs=only&limit=2')
    expect(first.data.map((batch) => batch.id)).toEqual(['batch_alpha2', 'batch_beta1'])
    expect(Object.keys(first.jobs).sort()).toEqual(['job_alpha', 'job_beta'])
    const second = await list(`jobs=only&limit=2&cursor=${first.nextCursor}`)
    expect(second).toMatchObject({ nextCursor: null, data: [{ id: 'batch_alpha1' }], jobs: { job_alpha: { partCount: 3 } } })
  })

  it('refuses an unknown jobs filter, naming the parameter', async () => {
    const { status, body } = await callRoute(getBatches, '/api/batches?jobs=some')
    expect(status).toBe(400)
    expect(body).toMatchObject({ error: { param: 'jobs' } })
  })

  it('groups a page under one row per job, where its first part falls, keeping the batches’ order', async () => {
    const page = await list('')
    const rows = groupByJob(page.data, page.jobs).map((entry) =>
      entry.kind === 'batch' ? entry.batch.id : `${entry.jobId}[${entry.parts.map((batch) => batch.id).join(',')}]:${entry.job?.partCount}`,
    )
    expect(rows).toEqual(['job_alpha[batch_alpha2,batch_alpha1]:3', 'batch_solo2', 'job_beta[batch_beta1]:1', 'batch_solo1'])
  })
})
