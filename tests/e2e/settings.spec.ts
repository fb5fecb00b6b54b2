import { expect, test } from './fixtures'

const NAME = 'e2e nightly script'

test('an API key is shown once, copied, works on /v1, and stops working when revoked', async ({ page, context, request, db }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  try {
    await page.goto('/settings')
    const keys = page.getByRole('region', { name: 'API keys' })
    await keys.getByRole('button', { name: 'Create key' }).click()
    await expect(keys.getByText('give the key a name')).toBeVisible()
    await keys.getByLabel('Name').fill(NAME)
    await keys.getByRole('button', { name: 'Create key' }).click()

    const dialog = page.getByRole('dialog', { name: `API key “${NAME}” created` })
    await expect(dialog.getByText('only time it is shown')).toBeVisible()
    const key = (await dialog.getByLabel('New API key').textContent())!.trim()
    expect(key).toMatch(/^bb-/)
    await dialog.getByRole('button', { name: 'Copy key' }).click()
    await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key)
    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect(dialog).toBeHidden()

    const row = keys.getByRole('row', { name: new RegExp(NAME) })
    await expect(row.getByText(`${key.slice(0, 7)}…`)).toBeVisible()
    await page.reload()
    expect(await page.content()).not.toContain(key)

    const auth = { authorization: `Bearer ${key}` }
    expect((await request.get('/v1/batches', { headers: auth })).status()).toBe(200)
    expect((await request.get('/v1/batches', { headers: { authorization: 'Bearer bb-not-a-key' } })).status()).toBe(401)

    await row.getByRole('button', { name: `Revoke ${NAME}` }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click()
    await expect(row.getByText('Revoked')).toBeVisible()
    expect((await request.get('/v1/batches', { headers: auth })).status()).toBe(401)
  } finally {
    await db.apiKey.deleteMany({ where: { name: NAME } })
  }
})

test('the /v1 panel gives this server’s base URL and says whether BATCHBOARD_API_KEY is set', async ({ page, baseURL }) => {
  await page.goto('/settings')
  const panel = page.getByRole('region', { name: 'Use the /v1 API' })
  await expect(panel.getByLabel('Base URL')).toHaveText(`${baseURL}/v1`)
  await expect(panel.getByText(`baseURL: '${baseURL}/v1'`)).toBeVisible()
  await expect(panel.getByText('BATCHBOARD_API_KEY is not set')).toBeVisible()
})
