import type { Page } from '@playwright/test'
import { E2E_ADMIN_PASSWORD } from '@/playwright.config'
import { expect, test } from './fixtures'

// These tests start logged out (every other spec starts with the setup project's session).
test.use({ storageState: { cookies: [], origins: [] } })

async function logIn(page: Page, password: string) {
  const form = page.getByRole('form', { name: 'Log in' })
  await form.getByLabel('Password').fill(password)
  await form.getByRole('button', { name: 'Log in' }).click()
}

test('a page opened without a session asks for the password, then shows that page', async ({ page }) => {
  await page.goto('/files?purpose=batch')
  await expect(page).toHaveURL('/login?next=%2Ffiles%3Fpurpose%3Dbatch')
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0)
  await logIn(page, E2E_ADMIN_PASSWORD)
  await expect(page).toHaveURL('/files?purpose=batch')
  await expect(page.getByRole('heading', { level: 1, name: 'Files' })).toBeVisible()
})

test('a wrong password is refused; logging out ends the session for good', async ({ page, request }) => {
  await page.goto('/')
  await expect(page).toHaveURL('/login')
  await logIn(page, 'not the password at all')
  await expect(page.getByRole('form', { name: 'Log in' }).getByLabel('Password')).toHaveAccessibleDescription(
    'That password is not right. Check it and try again.',
  )
  await logIn(page, E2E_ADMIN_PASSWORD)
  await expect(page.getByRole('heading', { level: 1, name: 'Batches' })).toBeVisible()

  const session = (await page.context().cookies()).find((cookie) => cookie.name === 'batchboard_session')!
  const withSession = { cookie: `batchboard_session=${session.value}` }
  expect((await request.get('/api/batches', { headers: withSession })).status()).toBe(200)

  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page).toHaveURL('/login')
  await page.goto('/settings')
  await expect(page).toHaveURL('/login?next=%2Fsettings')
  // The server forgot the session, so a copy of the old cookie is worthless.
  const replay = await request.get('/api/batches', { headers: withSession })
  expect(replay.status()).toBe(401)
  expect(await replay.json()).toEqual({ error: { code: 'unauthenticated', message: expect.stringContaining('Log in again') } })
})

test('without a session, reads answer 401 in the one error shape; health and /v1 keep their own rules', async ({ request }) => {
  for (const path of ['/api/batches', '/api/files', '/api/connections', '/api/system', '/api/api-keys', '/api/engine/upstreams']) {
    const response = await request.get(path)
    expect(response.status(), path).toBe(401)
    expect(await response.json(), path).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } })
  }
  expect((await request.get('/api/health')).status()).toBe(200)
  const v1 = await request.get('/v1/batches')
  expect(v1.status()).toBe(401)
  expect(await v1.json()).toMatchObject({ error: { type: 'invalid_request_error' } })
})

test('a forged cookie or page header does not open a page', async ({ page, request, context, baseURL }) => {
  // The proxy only looks for the cookie; the layout checks it is a live session.
  await context.addCookies([{ name: 'batchboard_session', value: 'forged-token', url: baseURL! }])
  await page.goto('/settings')
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByText('batchboard.db')).toHaveCount(0)
  // The layout learns the page's path from a header the proxy always overwrites.
  const forged = await request.get('/settings', { headers: { 'x-batchboard-page': '/login', cookie: 'batchboard_session=forged-token' }, maxRedirects: 0 })
  expect(forged.status()).toBe(307)
  expect(await forged.text()).not.toContain('batchboard.db')
})

test('login attempts are rate limited per client, with the wait in the message', async ({ browser, baseURL }) => {
  // A client address of its own, so the limit it reaches does not lock the other tests' logins out.
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.77' } })
  try {
    const page = await context.newPage()
    await page.goto('/login')
    const password = page.getByRole('form', { name: 'Log in' }).getByLabel('Password')
    for (let attempt = 1; attempt <= 5; attempt++) {
      await logIn(page, `wrong guess number ${attempt}`)
      await expect(password).toHaveAccessibleDescription('That password is not right. Check it and try again.')
    }
    await logIn(page, 'wrong guess number 6')
    await expect(password).toHaveAccessibleDescription(/^Too many login attempts\. Try again in \d+ s\.$/)
    // Even the right password waits: the limit is checked before the password.
    await logIn(page, E2E_ADMIN_PASSWORD)
    await expect(password).toHaveAccessibleDescription(/^Too many login attempts/)
    await expect(page).toHaveURL('/login')
  } finally {
    await context.close()
  }
})
