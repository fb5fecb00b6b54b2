import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BATCH_FILE_ERROR_CODES, validateBatchFile, type BatchFileErrorCode, type ValidateOptions } from '@/lib/jsonl'

// tests/fixtures/bad holds one small file per kind of bad input; manifest.json says, for each, what a user
// must be told: every error's code, line and param, and where it matters a piece of the message.
type ExpectedError = { code: BatchFileErrorCode; line: number | null; param: string | null; message?: string }
type CorpusEntry = {
  problem: string
  // Limits are exercised through options, so no fixture has to be 200 MB.
  options?: Pick<ValidateOptions, 'endpoint' | 'maxRequests' | 'maxBytes' | 'maxEmbeddingInputs'>
  errors: ExpectedError[]
}

const corpusDir = fileURLToPath(new URL('../../fixtures/bad/', import.meta.url))
const manifest = JSON.parse(readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as Record<string, CorpusEntry>
const fixtures = readdirSync(corpusDir)
  .filter((file) => file !== 'manifest.json')
  .sort()

async function check(file: string, { options, errors: expected }: CorpusEntry, chunkBytes?: number) {
  const report = await validateBatchFile(createReadStream(path.join(corpusDir, file), { highWaterMark: chunkBytes }), options)
  const seen = report.errors.map(({ code, line, param, message }, index) =>
    expected[index]?.message === undefined ? { code, line, param } : { code, line, param, message },
  )
  const wanted = expected.map((error) => (error.message === undefined ? error : { ...error, message: expect.stringContaining(error.message) }))
  expect(seen).toEqual(wanted)
  expect(report.errorCount).toBe(expected.length)
  expect(report.ok).toBe(false)
}

describe('the bad-input corpus', () => {
  it('has expectations for every fixture, and a fixture for every expectation', () => {
    expect(fixtures).toEqual(Object.keys(manifest).sort())
  })

  it('covers every error code', () => {
    const covered = new Set(Object.values(manifest).flatMap((entry) => entry.errors.map((error) => error.code)))
    expect(BATCH_FILE_ERROR_CODES.filter((code) => !covered.has(code))).toEqual([])
  })

  it('keeps every fixture small', () => {
    expect(fixtures.filter((file) => statSync(path.join(corpusDir, file)).size > 4096)).toEqual([])
  })

  describe.each(Object.entries(manifest))('%s', (file, entry) => {
    it('reports exactly the expected errors', () => check(file, entry))

    // Splits byte order marks, CRLF pairs and multi-byte characters across reads.
    it('reports the same when the file arrives 3 bytes at a time', () => check(file, entry, 3))
  })
})
