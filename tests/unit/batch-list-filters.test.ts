import { describe, expect, it } from 'vitest'
import { filtersFromParams, filtersToSearch, isFiltered } from '@/lib/batch/list-filters'

describe('batch list filters in the URL', () => {
  it('round-trips every filter and the sort', () => {
    const filters = {
      status: ['completed' as const, 'failed' as const],
      connectionId: 'builtin',
      endpoint: '/v1/embeddings',
      model: 'llama3',
      jobs: 'hide' as const,
      q: 'nightly run',
      sort: 'requests' as const,
      order: 'asc' as const,
    }
    expect(filtersFromParams(new URLSearchParams(filtersToSearch(filters)))).toEqual(filters)
  })

  it('drops unknown statuses, sorts and orders from a hand-edited URL', () => {
    expect(filtersFromParams(new URLSearchParams('status=done,failed&sort=size&order=up&jobs=some&q=%20'))).toEqual({ status: ['failed'] })
  })

  it('counts sorting as no filter', () => {
    expect(isFiltered({ sort: 'status', order: 'asc' })).toBe(false)
    expect(isFiltered({ q: 'x' })).toBe(true)
    expect(isFiltered({ jobs: 'only' })).toBe(true)
    expect(filtersToSearch({})).toBe('')
  })
})
