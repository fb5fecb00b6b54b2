import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

// Markup a hostile file might carry: if any of it ran or became elements, window.__xss would be set.
const HOSTILE = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><a href="javascript:window.__xss=3">x</a>`

const line = (customId: string, content: string) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model: 'sim-chat', messages: [{ role: 'user', content }] } })

async function expectInert(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  expect(await page.locator('img[src="x"], main script, a[href^="javascript:"]').count()).toBe(0)
}

test('HTML in a file’s name, content and errors is shown as text and never runs', async ({ page, db }) => {
  // No slash: file names may not hold one.
  const name = `<img src=x onerror="window.__xss=4">e2e-inert-${Date.now()}.jsonl`
  await page.goto('/batches/new')
  // A line that is not JSON, so the error table quotes it back.
  await page.locator('input[type="file"]').setInputFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.from(`${line('a', HOSTILE)}\n${HOSTILE}\n`) })
  await expect(page.getByRole('table', { name: 'Errors by line' })).toBeVisible()
  await expectInert(page)

  await page.locator('input[type="file"]').setInputFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.from(`${line(HOSTILE, HOSTILE)}\n`) })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible({ timeout: 20_000 })
  await expectInert(page)

  const file = await db.file.findFirstOrThrow({ where: { filename: name } })
  await page.goto(`/files/${file.id}`)
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(page.getByText(/onerror=/).first()).toBeVisible()
  await expectInert(page)
  await page.goto('/files')
  await expect(page.getByRole('row', { name: new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible()
  await expectInert(page)
})
