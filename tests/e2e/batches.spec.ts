import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { e2eDataDir } from '@/playwright.config'
import { expect, test } from './fixtures'

const sample = readFileSync(path.join(__dirname, '../../public/samples/chat-completions.jsonl'))
const customIds = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id)

/** The outcome badge beside the batch page's title. */
const outcomeBadge = (page: Page) => page.getByRole('heading', { level: 1 }).locator('xpath=..').locator('[data-tone]')

// Uses `db` also so that the fixture removes the batch and files this test makes.
test('a batch is created from the New batch page, runs, and its output downloads', async ({ page, db }) => {
  await page.goto('/batches/new')
  await page.locator('input[type="file"]').setInputFiles({ name: 'chat-completions.jsonl', mimeType: 'application/jsonl', buffer: sample })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible()

  // The built-in engine is picked; the endpoint comes from the file.
  await expect(page.getByRole('radio', { name: /Built-in engine/ })).toBeChecked()
  await expect(page.getByLabel('Endpoint')).toHaveValue('/v1/chat/completions')
  await expect(page.getByRole('region', { name: 'Summary' }).getByText('20', { exact: true })).toBeVisible()

  await page.getByLabel('Description').fill('E2E summaries')
  await page.getByLabel('Completion window').selectOption('1h')
  await page.getByRole('button', { name: 'Add metadata' }).click()
  const key = page.getByLabel('Metadata key 1')
  await key.fill('k'.repeat(65))
  // Checked as you type: the field is marked and Create waits.
  await expect(key).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('Key 1: a key may have at most 64 characters (65/64).')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Create batch' })).toBeDisabled()
  await key.fill('team')
  await page.getByLabel('Metadata value 1').fill('support')
  await expect(key).toHaveAttribute('aria-invalid', 'false')

  await page.getByRole('button', { name: 'Create batch' }).click()
  await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
  await expect(page.getByText('Batch created')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1, name: 'E2E summaries' })).toBeVisible()
  await expect(outcomeBadge(page)).toHaveText('Completed', { timeout: 20_000 })
  // No upstream is configured in the e2e server, so the built-in simulator answered: the page must say so.
  await expect(page.getByRole('main').getByText('Simulated', { exact: true })).toBeVisible()
  await expect(outcomeBadge(page)).toHaveAttribute('data-tone', 'success')
  await expect(page.getByRole('progressbar', { name: 'Batch progress' })).toHaveAttribute('aria-valuenow', '20')
  await expect(page.getByRole('region', { name: 'Progress · Completed' })).toContainText('20/20')
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Finalizing')
  await expect(page.getByText('window 1h')).toBeVisible()
  const batchId = page.url().split('/').pop()!
  expect(await db.batch.findUniqueOrThrow({ where: { id: batchId } })).toMatchObject({
    description: 'E2E summaries',
    completionWindow: '1h',
    metadata: { description: 'E2E summaries', team: 'support' },
  })

  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download output file' }).click()
  const output = readFileSync(await (await download).path(), 'utf8')
  const lines = output.split('\n').filter((line) => line !== '')
  expect(lines).toHaveLength(20)
  expect(customIds(output).sort()).toEqual(customIds(sample.toString('utf8')).sort())

  // Listed, linked, with its progress.
  await page.getByRole('link', { name: 'Batches', exact: true }).first().click()
  const row = page.getByRole('row', { name: /E2E summaries/ })
  await expect(row.getByText('20/20')).toBeVisible()
  await row.getByRole('link', { name: 'E2E summaries' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'E2E summaries' })).toBeVisible()

  // Clone: the same file and settings on a new batch.
  await page.getByRole('link', { name: 'Clone' }).click()
  await expect(page.getByText(/Settings copied from batch_/)).toBeVisible()
  await expect(page.getByLabel('Description')).toHaveValue('E2E summaries')
  await expect(page.getByLabel('Completion window')).toHaveValue('1h')
  await expect(page.getByLabel('Metadata key 1')).toHaveValue('team')
  await expect(page.getByLabel('Metadata value 1')).toHaveValue('support')
})

test('a completed batch whose every line failed is red on its page', async ({ page, db }) => {
  await db.batch.create({
    data: {
      id: 'batch_e2e_detail_all_failed',
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      status: 'completed',
      description: 'All failed',
      requestCountTotal: 9,
      requestCountFailed: 9,
      completedAt: new Date(),
    },
  })
  await page.goto('/batches/batch_e2e_detail_all_failed')
  await expect(page.getByRole('heading', { level: 1, name: 'All failed' })).toBeVisible()
  await expect(outcomeBadge(page)).toHaveText('Completed · 9/9 failed')
  await expect(outcomeBadge(page)).toHaveAttribute('data-tone', 'danger')
  await expect(page.getByRole('region', { name: 'Requests' })).toContainText('9')
})

test('a running batch can be cancelled after a confirmation', async ({ page, db }) => {
  // No engine run state: the scheduler leaves it alone, so it is "running" for as long as the test needs.
  await db.batch.create({
    data: {
      id: 'batch_e2e_running',
      connectionId: 'builtin',
      remoteId: 'batch_e2e_running',
      endpoint: '/v1/chat/completions',
      status: 'in_progress',
      description: 'Long run',
      requestCountTotal: 1000,
      requestCountCompleted: 300,
      requestCountFailed: 12,
      inProgressAt: new Date(),
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  })
  await page.goto('/batches/batch_e2e_running')
  await expect(page.getByRole('progressbar', { name: 'Batch progress' })).toHaveAttribute('aria-valuenow', '312')
  await expect(page.getByRole('button', { name: 'Delete record' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Cancel batch' }).click()
  const dialog = page.getByRole('alertdialog', { name: 'Cancel this batch?' })
  await expect(dialog).toContainText('written to the error file as cancelled')
  await dialog.getByRole('button', { name: 'Cancel batch' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('Cancelling the batch')).toBeVisible()
  await expect(page.getByRole('progressbar', { name: 'Batch progress' })).toHaveAttribute('data-phase', 'cancelling')
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Cancelling')
  expect((await db.batch.findUniqueOrThrow({ where: { id: 'batch_e2e_running' } })).status).toBe('cancelling')
})

test('refusals from the server are shown as they are', async ({ page, db }) => {
  await db.batch.create({
    data: {
      id: 'batch_e2e_race',
      connectionId: 'builtin',
      remoteId: 'batch_e2e_race',
      endpoint: '/v1/chat/completions',
      status: 'in_progress',
      requestCountTotal: 3,
      inProgressAt: new Date(),
    },
  })
  await page.goto('/batches/batch_e2e_race')
  await page.getByRole('button', { name: 'Cancel batch' }).click()
  // It finished while the dialog was open.
  await db.batch.update({ where: { id: 'batch_e2e_race' }, data: { status: 'completed', completedAt: new Date(), requestCountCompleted: 3 } })
  const dialog = page.getByRole('alertdialog', { name: 'Cancel this batch?' })
  await dialog.getByRole('button', { name: 'Cancel batch' }).click()
  await expect(dialog.getByRole('alert')).toHaveText("Cannot cancel a batch with status 'completed'.")
})

test('deleting a finished batch removes the record and keeps its files', async ({ page, db }) => {
  await db.batch.create({
    data: {
      id: 'batch_e2e_delete',
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      status: 'completed',
      description: 'Old run',
      requestCountTotal: 2,
      requestCountCompleted: 2,
      completedAt: new Date(),
    },
  })
  await page.goto('/batches/batch_e2e_delete')
  await page.getByRole('button', { name: 'Delete record' }).click()
  const dialog = page.getByRole('alertdialog', { name: 'Delete this batch record?' })
  await expect(dialog).toContainText('are not deleted: they stay in Files')
  await dialog.getByRole('button', { name: 'Delete record' }).click()
  await expect(page).toHaveURL('/')
  await expect(page.getByText('Batch record deleted')).toBeVisible()
  await expect(page.getByRole('row', { name: /Old run/ })).toHaveCount(0)
  expect(await db.batch.count({ where: { id: 'batch_e2e_delete' } })).toBe(0)

  const gone = await page.goto('/batches/batch_e2e_delete')
  expect(gone?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Batch not found' })).toBeVisible()
})

test('validation errors list their lines, each opening the input file at that line', async ({ page, db }) => {
  const lines = Array.from({ length: 400 }, (_, index) =>
    index === 24
      ? '{"custom_id": "broken", "method": "POST",'
      : index === 349
        ? '{"custom_id": "deep", "method": "POST",'
        : JSON.stringify({ custom_id: `q-${index + 1}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'sim-chat', messages: [] } }),
  )
  const text = `${lines.join('\n')}\n`
  mkdirSync(path.join(e2eDataDir, 'files'), { recursive: true })
  const storagePath = `files/e2e-invalid-${Date.now()}.jsonl`
  writeFileSync(path.join(e2eDataDir, storagePath), text)
  const file = await db.file.create({
    data: {
      id: `file-e2eInvalid${Date.now()}`,
      filename: 'invalid.jsonl',
      purpose: 'batch',
      bytes: BigInt(Buffer.byteLength(text)),
      storagePath,
      lineCount: 400,
    },
  })
  await db.batch.create({
    data: {
      id: 'batch_e2e_invalid',
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      status: 'failed',
      failedAt: new Date(),
      inputFileId: file.id,
      errors: [
        { code: 'invalid_json_line', message: 'Line 25 is not valid JSON.', param: null, line: 25 },
        { code: 'invalid_json_line', message: 'Line 350 is not valid JSON.', param: null, line: 350 },
        { code: 'too_many_tokens', message: 'The file is over the enqueued token limit.', param: null, line: null },
      ],
    },
  })
  await page.goto('/batches/batch_e2e_invalid')
  await expect(outcomeBadge(page)).toHaveText('Failed')
  await expect(outcomeBadge(page)).toHaveAttribute('data-tone', 'danger')
  const table = page.getByRole('table', { name: 'Batch errors' })
  await expect(table.getByRole('row')).toHaveCount(4)
  await expect(table.getByRole('row', { name: /Line 25 is/ })).toContainText('invalid_json_line')
  await table.getByRole('link', { name: '25' }).click()
  await expect(page).toHaveURL(`/files/${file.id}?line=25`)
  const marked = page.locator('li[aria-current="location"]')
  await expect(marked.getByLabel('Line 25')).toBeVisible()
  await expect(marked).toContainText('"custom_id": "broken"')
  await expect(marked).toBeInViewport()

  // Beyond the first 200 lines the preview shows a window around the line.
  await page.goBack()
  await table.getByRole('link', { name: '350' }).click()
  await expect(page).toHaveURL(`/files/${file.id}?line=350`)
  await expect(marked.getByLabel('Line 350')).toBeVisible()
  await expect(marked).toContainText('"custom_id": "deep"')
  await expect(marked).toBeInViewport()
  await expect(page.getByText('Lines 340–360 of 400; download the file for the rest.')).toBeVisible()
})

test('the batch list filters by status and search, keeps its filters in the URL, and clears them', async ({ page, db }) => {
  const base = { connectionId: 'builtin', endpoint: '/v1/chat/completions', requestCountTotal: 4 }
  await db.batch.createMany({
    data: [
      { ...base, id: 'batch_e2e_list_alpha', status: 'completed', requestCountCompleted: 4, completedAt: new Date(), description: 'Listing alpha' },
      { ...base, id: 'batch_e2e_list_beta', status: 'failed', failedAt: new Date(), description: 'Listing beta' },
      {
        ...base,
        id: 'batch_e2e_list_gamma',
        status: 'cancelled',
        cancelledAt: new Date(),
        description: 'Listing gamma',
        metadata: { description: 'Listing gamma', team: 'ops' },
      },
    ],
  })
  const row = (name: string) => page.getByRole('row', { name: new RegExp(name) })
  await page.goto('/')
  await expect(row('Listing alpha')).toBeVisible()

  // The chip's state follows the URL, which updates a moment after the click (check() wants it at once).
  const failed = page.getByRole('checkbox', { name: /^Failed/ })
  await failed.click()
  await expect(failed).toBeChecked()
  await expect(page).toHaveURL(/[?&]status=failed/)
  await expect(row('Listing beta')).toBeVisible()
  await expect(row('Listing alpha')).toHaveCount(0)

  await page.reload()
  await expect(page.getByRole('checkbox', { name: /^Failed/ })).toBeChecked()
  await expect(row('Listing beta')).toBeVisible()
  await expect(row('Listing gamma')).toHaveCount(0)

  // Failed and "gamma" together match nothing.
  await page.getByRole('searchbox', { name: 'Search batches' }).fill('listing GAMMA')
  const empty = page.getByRole('region', { name: 'No batch matches these filters' })
  await expect(empty).toBeVisible()
  await expect(page).toHaveURL(/q=listing/)
  await empty.getByRole('button', { name: 'Clear filters' }).click()
  await expect(page).toHaveURL('/')
  await expect(page.getByRole('searchbox', { name: 'Search batches' })).toHaveValue('')
  for (const name of ['Listing alpha', 'Listing beta', 'Listing gamma']) await expect(row(name)).toBeVisible()

  // A metadata value finds its batch.
  await page.getByRole('searchbox', { name: 'Search batches' }).fill('ops')
  await expect(row('Listing gamma')).toBeVisible()
  await expect(row('Listing alpha')).toHaveCount(0)

  // Column headers sort, and say how.
  const created = page.getByRole('columnheader', { name: 'Created' })
  await expect(created).toHaveAttribute('aria-sort', 'descending')
  await created.getByRole('button').click()
  await expect(created).toHaveAttribute('aria-sort', 'ascending')
  await expect(page).toHaveURL(/sort=created&order=asc/)
})

test('a job’s batches fold under one row linking to the job, and the Jobs filter shows or hides them', async ({ page, db }) => {
  const jobId = 'job_e2egroup'
  await db.job.create({
    data: {
      id: jobId,
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      description: 'E2E grouped job',
      status: 'completed',
      limits: { maxRequests: 4, maxBytes: 1_000_000, maxTokens: null },
      lineCount: 8,
      linesSucceeded: 8,
    },
  })
  const base = { connectionId: 'builtin', endpoint: '/v1/chat/completions', requestCountTotal: 4, requestCountCompleted: 4, status: 'completed' }
  await db.batch.createMany({
    data: [
      { ...base, id: 'batch_e2e_part1', jobId, description: 'Grouped part one', completedAt: new Date() },
      { ...base, id: 'batch_e2e_part2', jobId, description: 'Grouped part two', completedAt: new Date() },
      { ...base, id: 'batch_e2e_solo', description: 'Standalone listing', completedAt: new Date() },
    ],
  })
  for (const seq of [1, 2]) {
    await db.jobPart.create({
      data: {
        id: `jpart_e2e${seq}`,
        jobId,
        seq,
        lineCount: 4,
        bytes: 400n,
        estimatedTokens: 40n,
        status: 'ended',
        batchId: `batch_e2e_part${seq}`,
        submitKey: `e2e-${seq}`,
      },
    })
  }
  try {
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) })
    const jobRow = page.locator(`tr[data-job="${jobId}"]`)
    await page.goto('/')
    await expect(jobRow).toContainText('E2E grouped job')
    await expect(jobRow).toContainText('Job · 2 parts')
    await expect(jobRow.getByRole('link', { name: 'E2E grouped job' })).toHaveAttribute('href', `/jobs/${jobId}`)
    await expect(row('Standalone listing')).toBeVisible()
    // Folded: the parts are one row until it is opened.
    await expect(row('Grouped part one')).toHaveCount(0)
    const toggle = jobRow.getByRole('button', { name: `Show the 2 batches of job ${jobId}` })
    await toggle.click()
    await expect(jobRow.getByRole('button', { name: `Hide the 2 batches of job ${jobId}` })).toHaveAttribute('aria-expanded', 'true')
    await expect(row('Grouped part one')).toBeVisible()
    await expect(row('Grouped part two')).toBeVisible()

    const jobs = page.getByRole('combobox', { name: 'Jobs' })
    await jobs.selectOption('hide')
    await expect(page).toHaveURL(/[?&]jobs=hide/)
    await expect(jobRow).toHaveCount(0)
    await expect(row('Standalone listing')).toBeVisible()
    await jobs.selectOption('only')
    await expect(page).toHaveURL(/[?&]jobs=only/)
    await expect(jobRow).toBeVisible()
    await expect(row('Standalone listing')).toHaveCount(0)
  } finally {
    await db.job.delete({ where: { id: jobId } })
  }
})
