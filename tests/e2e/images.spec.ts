import { expect, test } from './fixtures'

const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`
const line = (customId: string, prompt: string, n = 1) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/images/generations', body: { model: 'sim-image', prompt, n } })

test('results of an image generation batch show the generated images as thumbnails, and in the row drawer', async ({ page, db: _ }) => {
  await page.goto('/batches/new')
  const file = [line('img-1', `A lighthouse at dusk ${nonce}`), line('img-2', `Two foxes ${nonce}`, 2)].join('\n')
  await page.locator('input[type="file"]').setInputFiles({ name: `images-${nonce}.jsonl`, mimeType: 'application/jsonl', buffer: Buffer.from(`${file}\n`) })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible()
  await page.getByRole('button', { name: 'Create batch' }).click()
  await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
  await expect(page.getByRole('heading', { level: 1 }).locator('xpath=..').locator('[data-tone]')).toHaveText(/Completed/, { timeout: 20_000 })

  await page.getByRole('link', { name: 'Results', exact: true }).click()
  const table = page.getByRole('table', { name: 'Results' })
  const thumbnail = table.getByRole('img', { name: 'Output image 1 of img-1' })
  await expect(thumbnail).toBeVisible({ timeout: 20_000 })
  await expect(table.getByRole('img', { name: /^Output image \d of img-2$/ })).toHaveCount(2)
  await expect(table.getByText('1 image')).toBeVisible()
  // Decoded by the browser: the simulator's PNG is a real 64×64 image, served by the results image route.
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBe(64)

  await table.getByRole('button', { name: 'Open img-2' }).click()
  const images = page.getByRole('dialog', { name: 'img-2' }).getByRole('region', { name: 'Output images' })
  await expect(images.getByRole('img')).toHaveCount(2)
  await expect
    .poll(() =>
      images
        .getByRole('img')
        .nth(1)
        .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalHeight : 0)),
    )
    .toBe(64)
})
