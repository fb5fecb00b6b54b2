import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`
const line = (customId: string, content: string) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model: 'sim-chat', messages: [{ role: 'user', content }] } })
// q-2 and q-4 are refused once by the simulator ([sim:fail-once]); q-1 answers with HTML that must never run.
const file = [
  line('q-1', '[sim:echo] Hello **bold** <script>window.__xss = "script"</script> <img src="x" onerror="window.__xss = \'img\'">'),
  line('q-2', `[sim:fail-once] first ${nonce}`),
  line('q-3', '[sim:echo] plain answer three'),
  line('q-4', `[sim:fail-once] second ${nonce}`),
  line('q-5', '[sim:echo] plain answer five'),
].join('\n')

const outcomeBadge = (page: Page) => page.getByRole('heading', { level: 1 }).locator('xpath=..').locator('[data-tone]')

async function runBatch(page: Page) {
  await page.goto('/batches/new')
  await page.locator('input[type="file"]').setInputFiles({ name: `questions-${nonce}.jsonl`, mimeType: 'application/jsonl', buffer: Buffer.from(`${file}\n`) })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible()
  await page.getByLabel('Description').fill('E2E results')
  await page.getByRole('button', { name: 'Create batch' }).click()
  await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
  await expect(outcomeBadge(page)).toHaveText(/Completed/, { timeout: 20_000 })
  return page.url().split('/').pop()!
}

test('results: filter to failed, open a row, export CSV, retry the failed lines, and see every line succeed', async ({ page, db: _ }) => {
  const parentId = await runBatch(page)
  await page.getByRole('link', { name: 'Results', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible()
  const chips = page.getByRole('group', { name: 'Filter by status' })
  await expect(chips.getByRole('button', { name: /Succeeded\s*3/ })).toBeVisible({ timeout: 20_000 })

  await chips.getByRole('button', { name: /Failed\s*2/ }).click()
  await expect(page.getByText('2 rows')).toBeVisible()
  const table = page.getByRole('table', { name: 'Results' })
  await expect(table.getByRole('button', { name: /^Open q-/ })).toHaveCount(2)

  await table.getByRole('button', { name: 'Open q-2' }).click()
  const drawer = page.getByRole('dialog', { name: 'q-2' })
  await expect(drawer.getByText('simulated_failure').first()).toBeVisible()
  await expect(drawer.getByRole('heading', { name: 'Input line' })).toBeVisible()
  await expect(drawer.getByText(`first ${nonce}`).first()).toBeVisible()
  await drawer.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByRole('dialog', { name: 'q-4' })).toBeVisible()
  await page.keyboard.press('Escape')

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export shown rows (CSV)' }).click()])
  const csv = readFileSync((await download.path())!, 'utf8')
    .trimEnd()
    .split('\r\n')
  expect(csv[0]).toMatch(/^custom_id,line,status,prompt,input\.model,output_text/)
  expect(csv.slice(1).map((row) => row.split(',').slice(0, 3).join(','))).toEqual(['q-2,2,failed', 'q-4,4,failed'])

  await page.getByRole('button', { name: 'Retry 2 lines' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Retry 2 lines' }).click()
  await expect(page).not.toHaveURL(new RegExp(parentId))
  await expect(page.getByRole('heading', { level: 1, name: /Retry of E2E results/ })).toBeVisible()
  await expect(outcomeBadge(page)).toHaveText('Completed', { timeout: 20_000 })

  await page.goto(`/batches/${parentId}/results`)
  await expect(chips.getByRole('button', { name: /Succeeded\s*5/ })).toBeVisible({ timeout: 20_000 })
  await expect(chips.getByRole('button', { name: /Failed/ })).toHaveCount(0)
  await expect(page.getByText(/1 retry merged/)).toBeVisible()
  await expect(page.getByRole('link', { name: 'Final results CSV' })).toBeVisible()
})

test('a model answer with <script> and <img onerror> is shown as text and runs nothing', async ({ page, db: _ }) => {
  const batchId = await runBatch(page)
  await page.goto(`/batches/${batchId}/results`)
  const table = page.getByRole('table', { name: 'Results' })
  await table.getByRole('button', { name: 'Open q-1' }).click()
  const response = page.getByRole('dialog', { name: 'q-1' }).getByRole('region', { name: 'Response' })
  await expect(response.locator('strong', { hasText: 'bold' })).toBeVisible()
  await expect(response).toContainText('<script>window.__xss = "script"</script>')
  await expect(response).toContainText(`<img src="x" onerror="window.__xss = 'img'">`)
  await expect(response.locator('script, img')).toHaveCount(0)
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined()
})
