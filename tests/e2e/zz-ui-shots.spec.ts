import { expect, test } from './fixtures'

test('screenshots of reshaped pages', async ({ page }) => {
  await page.goto('/files/build')
  await page.getByLabel('Table file').setInputFiles({ name: 'shots.csv', mimeType: 'text/csv', buffer: Buffer.from('id,name\n1,Ada\n2,Bob\n') })
  await expect(page.getByText('2 rows · 2 columns · CSV')).toBeVisible()
  await page.screenshot({ path: '/tmp/ui/builder.png', fullPage: true })
  await page.goto('/settings')
  await page.getByRole('button', { name: 'Create key' }).click()
  await page.screenshot({ path: '/tmp/ui/settings.png', fullPage: true })
  await page.goto('/connections')
  await page.screenshot({ path: '/tmp/ui/connections.png', fullPage: true })
})
