import { readFileSync } from 'node:fs'
import path from 'node:path'
import Papa from 'papaparse'
import { expect, test } from './fixtures'

// 200 products whose ids are not in sorted order, with commas and quotes in the names.
const ROWS = Array.from({ length: 200 }, (_, index) => ({
  id: `p-${(index * 37) % 200}`,
  name: `Item ${index + 1}, "deluxe"`,
  price: (index * 1.5).toFixed(2),
}))
const CSV = Papa.unparse(ROWS)
const TEMPLATE = 'E2E product blurbs'

test('a CSV of 200 rows becomes a batch on the simulator, and its answers come back as the same table in order', async ({ page, db }) => {
  test.setTimeout(90_000)
  try {
    await page.goto('/batches/new')
    await page.getByRole('link', { name: 'Build one from a table' }).click()
    await expect(page).toHaveURL('/files/build')
    await page.getByLabel('Table file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
    await expect(page.getByText('200 rows · 3 columns · CSV')).toBeVisible()
    await expect(page.getByRole('table', { name: 'The first rows of products.csv' })).toContainText('Item 1, "deluxe"')

    await page.getByLabel('Model', { exact: true }).fill('sim-chat')
    const prompt = page.getByRole('textbox', { name: 'User prompt' })
    await prompt.fill('Write one line about {{nmae}}.')
    await expect(page.getByText('No column named {{nmae}}. Columns: id, name, price.')).toBeVisible()
    await expect(page.getByRole('alert').filter({ hasText: 'Fix the template' })).toContainText('has no column named “nmae”')
    await prompt.fill('Write one line about ')
    await page.getByRole('group', { name: 'Insert a column into the user prompt' }).getByRole('button', { name: '{{name}}' }).click()
    await expect(prompt).toHaveValue('Write one line about {{name}}')
    await page.getByRole('combobox', { name: 'custom_id' }).selectOption('id')
    await page.getByLabel('Max output tokens').fill('40')

    const preview = page.getByLabel('Preview of the generated lines')
    await expect(preview).toContainText('"custom_id":"p-0"')
    await expect(preview).toContainText('"content":"Write one line about Item 1, \\"deluxe\\""')
    await expect(preview).toContainText('"max_completion_tokens":40')
    await expect(page.getByRole('heading', { name: 'Valid batch file' })).toBeVisible()
    await expect(page.getByText('No problems found in 200 requests.')).toBeVisible()
    await expect(page.getByText('On the built-in engine the simulator answers sim-chat: nothing is billed.')).toBeVisible()

    await page.getByLabel('Save these settings as').fill(TEMPLATE)
    await page.getByRole('button', { name: 'Save template' }).click()
    await expect(page.getByLabel('Use a saved template')).toContainText(TEMPLATE)

    await page.getByRole('button', { name: 'Create batch' }).click()
    await expect(page).toHaveURL(/\/batches\/new\?file=file-/)
    await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible()
    await page.getByRole('button', { name: 'Create batch' }).click()
    await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
    await expect(page.getByRole('progressbar', { name: 'Batch progress' })).toHaveAttribute('aria-valuenow', '200', { timeout: 60_000 })
    await expect(page.getByRole('region', { name: 'Progress · Completed' })).toContainText('200/200')

    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Table with answers' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^products-batch_[0-9a-f]+-answers\.csv$/)
    const text = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '')
    const [header, ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data
    expect(header).toEqual(['id', 'name', 'price', 'answer', 'status', 'error'])
    expect(rows).toHaveLength(200)
    expect(rows.map((row) => row.slice(0, 3))).toEqual(ROWS.map((row) => [row.id, row.name, row.price]))
    for (const row of rows) {
      expect(row[3]).toMatch(/^Simulated answer/)
      expect(row.slice(4)).toEqual(['completed', ''])
    }
  } finally {
    await db.builderTemplate.deleteMany({ where: { name: TEMPLATE } })
  }
})

test('a built file runs as a job on the built-in engine, from the builder straight to the job page', async ({ page, db: _ }) => {
  test.setTimeout(120_000)
  const csv = Papa.unparse(Array.from({ length: 6 }, (_, index) => ({ id: `row-${index}`, name: `Gadget ${index}` })))
  await page.goto('/files/build')
  await page.getByLabel('Table file').setInputFiles({ name: 'gadgets.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByLabel('Model', { exact: true }).fill('sim-chat')
  await page.getByRole('textbox', { name: 'User prompt' }).fill('Name {{name}} in one word.')
  await expect(page.getByRole('heading', { name: 'Valid batch file' })).toBeVisible()

  // Under the limits it is a batch unless asked; asked, it is a job on the chosen connection.
  await expect(page.getByRole('button', { name: 'Create batch' })).toBeEnabled()
  await page.getByRole('checkbox', { name: 'Run as a job (retry failed lines)' }).check()
  await expect(page.getByRole('radio', { name: /Built-in engine/ })).toBeChecked()
  await page.getByLabel('Max attempts per line').fill('2')
  await page.getByRole('button', { name: 'Create job' }).click()

  await expect(page).toHaveURL(/\/jobs\/job_[0-9A-Za-z]+$/, { timeout: 30_000 })
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '6', { timeout: 90_000 })
})

test('rows that make several files run as one job of all of them, with the whole table kept for the results', async ({ page, db }) => {
  test.setTimeout(900_000)
  // One row over a batch's 50,000 requests: the builder cuts two files.
  const count = 50_002
  const csv = Papa.unparse(Array.from({ length: count }, (_, index) => ({ id: `row-${index}`, name: `Gadget ${index}` })))
  await page.goto('/files/build')
  await page.getByLabel('Table file').setInputFiles({ name: 'many-gadgets.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByLabel('Model', { exact: true }).fill('sim-chat')
  await page.getByRole('textbox', { name: 'User prompt' }).fill('Name {{name}} in one word.')
  await expect(page.getByText('This makes 2 files')).toBeVisible({ timeout: 180_000 })
  await expect(page.getByRole('heading', { name: 'Valid batch file' })).toHaveCount(2, { timeout: 180_000 })

  // Over the built-in engine's 50,000 requests a batch, it can only run as a job, which splits it itself.
  await expect(page.getByTestId('job-plan')).toContainText('This file will run as 2 batches of at most 50,000 requests')
  await expect(page.getByRole('button', { name: 'Create batch' })).toHaveCount(0)
  if (process.env.E2E_SHOTS_DIR) await page.screenshot({ path: path.join(process.env.E2E_SHOTS_DIR, 'builder-several-files-job.png'), fullPage: true })
  await page.getByRole('button', { name: 'Create job' }).click()

  await expect(page).toHaveURL(/\/jobs\/job_[0-9A-Za-z]+$/, { timeout: 120_000 })
  const jobId = page.url().split('/').at(-1)!
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuemax', String(count), { timeout: 180_000 })
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId }, select: { inputFileId: true } })
  const input = await db.file.findUniqueOrThrow({ where: { id: job.inputFileId! }, select: { lineCount: true, sourceTable: true } })
  expect(input.lineCount).toBe(count)
  expect(input.sourceTable).toMatchObject({ filename: 'many-gadgets.csv', rowCount: count, firstRow: 0 })
  // The split cuts the one input as the connection's limits say; later rounds (retries) may add parts on a busy machine.
  await expect.poll(() => db.jobPart.count({ where: { jobId, round: 1 } }), { timeout: 180_000 }).toBe(2)
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', String(count), { timeout: 480_000 })
  expect((await db.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe('completed')
})
