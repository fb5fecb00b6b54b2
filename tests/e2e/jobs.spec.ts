import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { addV1Connection, createV1Key } from './v1-connection'

// The model matches the enqueued-token limit that playwright.config.ts gives this server's /v1 (BATCHBOARD_V1_LIMITS,
// `sim-jobs*` only, so no other spec meets it): about three parts of 10,000 lines at a time.
const MODEL = 'sim-jobs-chat'
const LINES = 120_000
const PART_LINES = 10_000
const NAME = 'e2e jobs /v1'
const KEY_NAME = 'e2e jobs key'
// Lines the simulator refuses once (a retryable failure): the job sends them again in a retry round.
const FAIL_ONCE = new Set([1, 33_333, 77_777, LINES])

/** Writes the input line by line to a temp file (24 MB; never one string in memory). */
async function writeInput(): Promise<string> {
  const file = path.join(os.tmpdir(), `e2e-jobs-${Date.now()}.jsonl`)
  const out = createWriteStream(file)
  for (let line = 1; line <= LINES; line++) {
    const content = `Question ${line}: what is ${line} + ${line}?${FAIL_ONCE.has(line) ? ' [sim:fail-once]' : ''}`
    const text = JSON.stringify({
      custom_id: `q-${line}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: MODEL, messages: [{ role: 'user', content }], max_tokens: 20 },
    })
    if (!out.write(`${text}\n`)) await once(out, 'drain')
  }
  out.end()
  await finished(out)
  return file
}

/** Screenshots for the notes when E2E_SHOTS_DIR is set (never in CI). */
async function shot(page: Page, name: string) {
  const dir = process.env.E2E_SHOTS_DIR
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: path.join(dir, `jobs2-${name}.png`), fullPage: true })
}

test('a 120,000-line file runs as a job on an openai connection to this server’s /v1: queue refusals, retries, every line answered once, in order', async ({
  page,
  db,
  baseURL,
}) => {
  test.setTimeout(20 * 60_000)
  const started = Date.now()
  const input = await writeInput()
  const key = await createV1Key(db, KEY_NAME)
  let jobId: string | null = null
  try {
    await addV1Connection(page, { name: NAME, baseURL: baseURL!, key })
    // The connection's own limit on requests per batch; no enqueued-token limit, so the job learns the queue's by refusals.
    await db.connection.update({ where: { name: NAME }, data: { maxRequestsPerBatch: PART_LINES } })

    await page.goto('/batches/new')
    await page.locator('input[type="file"]').setInputFiles(input)
    // Checked in the browser: over one batch's limit is no error, it is a job.
    await expect(page.getByRole('heading', { name: 'Ready to upload' })).toBeVisible({ timeout: 120_000 })
    await expect(page.getByTestId('over-batch-limit')).toContainText("Over one batch's limit: 120,000 requests")
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible({ timeout: 120_000 })
    await page.getByRole('radio', { name: new RegExp(NAME) }).check()
    await expect(page.getByTestId('job-plan')).toContainText(`This file will run as 12 batches of at most 10,000 requests`)
    await page.getByLabel('Description').fill('E2E 120k job')
    await page.getByRole('button', { name: 'Create job' }).click()

    await expect(page).toHaveURL(/\/jobs\/job_[0-9A-Za-z]+$/, { timeout: 60_000 })
    jobId = page.url().split('/').pop()!
    await expect(page.getByRole('heading', { level: 1, name: 'E2E 120k job' })).toBeVisible()
    // The queue is full after about three parts: the rest are refused with token_limit_exceeded and wait their turn.
    const parts = page.getByRole('region', { name: 'Parts' })
    await expect(parts.getByText(/resubmitted \d+× after queue refusals/).first()).toBeVisible({ timeout: 5 * 60_000 })
    await shot(page, 'job-mid-run')

    await expect(page.getByTestId('job-status')).toHaveText('Completed', { timeout: 15 * 60_000 })
    await expect(page.getByTestId('job-lines')).toContainText('120,000 of 120,000 lines final')
    // The lines refused once went round again.
    await expect(parts.getByText('2 (retry)').first()).toBeVisible()
    await shot(page, 'job-finished')

    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Download the output file' }).click()
    const output = readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n')
    const ids = output.map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)
    expect(ids).toHaveLength(LINES)
    // Every custom_id exactly once, in input order (cheaper than comparing two 120,000-element arrays in the report).
    expect(ids.every((id, index) => id === `q-${index + 1}`)).toBe(true)

    await page.getByRole('link', { name: 'Results' }).click()
    await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}/results`))
    await page.getByLabel('Search results').fill('q-77777')
    await expect(page.getByRole('row', { name: /q-77777/ }).first()).toBeVisible({ timeout: 30_000 })
    await shot(page, 'job-results')

    await page.goto('/jobs')
    await expect(page.getByRole('link', { name: /E2E 120k job/ })).toBeVisible()
    await shot(page, 'jobs-list')
    test.info().annotations.push({ type: 'runtime', description: `${Math.round((Date.now() - started) / 1000)} s` })
  } finally {
    const connection = await db.connection.findUnique({ where: { name: NAME } })
    if (jobId) await db.resultRow.deleteMany({ where: { batchId: jobId } })
    if (connection) {
      await db.job.deleteMany({ where: { connectionId: connection.id } })
      await db.batch.deleteMany({ where: { connectionId: connection.id } })
      await db.connection.delete({ where: { id: connection.id } })
    }
    await db.apiKey.deleteMany({ where: { name: KEY_NAME } })
  }
})
