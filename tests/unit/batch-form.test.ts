import { describe, expect, it } from 'vitest'
import { createBatchInput, metadataErrors, toBatchMetadata } from '@/lib/validations/batches'

const pairs = (count: number) => Array.from({ length: count }, (_, index) => ({ key: `k${index}`, value: 'v' }))

describe('metadata as the user types it', () => {
  it('accepts 16 pairs, keys of 64 and values of 512 characters', () => {
    expect(metadataErrors('', pairs(16))).toEqual({})
    expect(metadataErrors('', [{ key: 'k'.repeat(64), value: 'v'.repeat(512) }])).toEqual({})
  })

  it('marks the exact field that is too long', () => {
    const errors = metadataErrors('', [
      { key: 'ok', value: 'fine' },
      { key: 'k'.repeat(65), value: 'v'.repeat(513) },
    ])
    expect(Object.keys(errors).sort()).toEqual(['1.key', '1.value'])
    expect(errors['1.key']).toMatch(/at most 64 characters/)
    expect(errors['1.value']).toMatch(/at most 512 characters/)
  })

  it('flags an empty key, a repeated key (on the second use) and the reserved description key', () => {
    const errors = metadataErrors('', [
      { key: 'team', value: 'a' },
      { key: 'team', value: 'b' },
      { key: '', value: 'c' },
      { key: 'description', value: 'd' },
    ])
    expect(errors).toEqual({
      '1.key': "the key 'team' is already used",
      '2.key': 'give the key a name',
      '3.key': 'use the Description field for the description',
    })
  })

  it('counts the description among the 16 pairs', () => {
    expect(metadataErrors('', pairs(16)).metadata).toBeUndefined()
    expect(metadataErrors('Nightly', pairs(16)).metadata).toMatch(/At most 16 pairs, the description included/)
    expect(metadataErrors('', pairs(17)).metadata).toMatch(/At most 16 pairs/)
  })
})

describe('createBatchInput (the server side of the same rules)', () => {
  const valid = { fileId: 'file-abc', connectionId: 'builtin', completionWindow: '24h' }

  it('defaults description and metadata, and refuses what the form refuses, naming the field', () => {
    expect(createBatchInput.parse(valid)).toEqual({ ...valid, description: '', metadata: [] })
    const tooLong = createBatchInput.safeParse({ ...valid, metadata: [{ key: 'k'.repeat(65), value: '' }] })
    expect(tooLong.success).toBe(false)
    expect(tooLong.error?.issues[0]?.path).toEqual(['metadata', 0, 'key'])
    const tooMany = createBatchInput.safeParse({ ...valid, description: 'x', metadata: pairs(16) })
    expect(tooMany.error?.issues[0]?.path).toEqual(['metadata'])
    expect(createBatchInput.safeParse({ ...valid, completionWindow: 'tomorrow' }).error?.issues[0]?.path).toEqual(['completionWindow'])
  })

  it('sends the description as metadata.description, beside the pairs', () => {
    expect(toBatchMetadata('Nightly', [{ key: 'team', value: 'support' }])).toEqual({ description: 'Nightly', team: 'support' })
    expect(toBatchMetadata('', [])).toBeNull()
  })
})
