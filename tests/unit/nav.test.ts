import { describe, expect, it } from 'vitest'
import { activeNavHref } from '@/components/layout/nav-items'

describe('activeNavHref', () => {
  it('highlights the section a page belongs to', () => {
    expect(activeNavHref('/')).toBe('/')
    expect(activeNavHref('/batches/batch_abc')).toBe('/')
    expect(activeNavHref('/batches/new')).toBe('/batches/new')
    expect(activeNavHref('/connections/builtin')).toBe('/connections')
    expect(activeNavHref('/files/build')).toBe('/files/build')
    expect(activeNavHref('/files/file-abc')).toBe('/files')
    expect(activeNavHref('/filesystem')).toBeUndefined()
  })
})
