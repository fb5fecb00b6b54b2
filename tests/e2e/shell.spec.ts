import { expect, test } from './fixtures'

const PAGES = [
  { link: 'Batches', path: '/', heading: 'Batches', empty: 'No batches yet' },
  { link: 'New batch', path: '/batches/new', heading: 'New batch', empty: 'Start from a batch file' },
  { link: 'Files', path: '/files', heading: 'Files', empty: 'No files yet' },
  { link: 'Connections', path: '/connections', heading: 'Connections', empty: 'No OpenAI connections yet' },
  { link: 'Usage', path: '/usage', heading: 'Usage', empty: 'No usage yet' },
  { link: 'Settings', path: '/settings', heading: 'Settings', empty: 'Storage' },
] as const

test('the sidebar reaches every page, and each shows what to do next', async ({ page }) => {
  await page.goto('/')
  const nav = page.getByRole('navigation', { name: 'Main' })
  for (const { link, path, heading, empty } of PAGES) {
    await nav.getByRole('link', { name: link, exact: true }).click()
    await expect(page).toHaveURL(path)
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
    await expect(nav.getByRole('link', { name: link, exact: true })).toHaveAttribute('aria-current', 'page')
    await expect(page.getByRole('heading', { name: empty })).toBeVisible()
  }
})

test('the empty batches page leads to a new batch', async ({ page }) => {
  await page.goto('/')
  await page.getByRole('region', { name: 'No batches yet' }).getByRole('link', { name: 'New batch' }).click()
  await expect(page).toHaveURL('/batches/new')
})

test('the connections page always shows the built-in engine', async ({ page }) => {
  await page.goto('/connections')
  await expect(page.getByRole('heading', { name: 'Built-in engine' })).toBeVisible()
})

test('settings show where the data lives', async ({ page }) => {
  await page.goto('/settings')
  await expect(page.getByText('batchboard.db', { exact: false })).toBeVisible()
})

test('dark mode can be chosen and survives a reload', async ({ page }) => {
  await page.goto('/')
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  const light = await background()
  await page.getByRole('radio', { name: 'Dark' }).click()
  await expect(page.locator('html')).toHaveClass(/dark/)
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/dark/)
  expect(await background()).not.toBe(light)
  await page.getByRole('radio', { name: 'Light' }).click()
  await expect(page.locator('html')).not.toHaveClass(/dark/)
})

test('a completed batch whose every line failed is shown as a failure', async ({ page, db }) => {
  await db.batch.create({
    data: {
      id: 'batch_e2e_all_failed',
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      status: 'completed',
      description: 'Nightly summaries',
      requestCountTotal: 9,
      requestCountFailed: 9,
    },
  })
  await page.goto('/')
  const row = page.getByRole('row', { name: /Nightly summaries/ })
  await expect(row.getByText('Completed · 9/9 failed')).toHaveAttribute('data-tone', 'danger')
})

test('an unknown address says so and leads home', async ({ page }) => {
  const response = await page.goto('/no-such-page')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
})
