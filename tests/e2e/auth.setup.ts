import { E2E_ADMIN_PASSWORD, e2eStorageState } from '@/playwright.config'
import { expect, test } from './fixtures'

// The first visit to a fresh install: every page leads to the setup screen until the password exists.
test('first run: setup creates the admin password and logs in', async ({ page }) => {
  await page.goto('/settings')
  await expect(page).toHaveURL(/\/setup$/)
  await expect(page.getByRole('heading', { name: 'Welcome to Batchboard' })).toBeVisible()
  // Nothing of the app is reachable before the password exists.
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0)

  const form = page.getByRole('form', { name: 'Create the admin password' })
  await form.getByLabel('Password', { exact: true }).fill('too short')
  await form.getByRole('button', { name: 'Create password and log in' }).click()
  await expect(form.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/at least 12 characters/)
  await form.getByLabel('Password', { exact: true }).fill(E2E_ADMIN_PASSWORD)
  await form.getByLabel('Repeat the password').fill(`${E2E_ADMIN_PASSWORD}!`)
  await expect(form.getByLabel('Repeat the password')).toHaveAccessibleDescription(/The two passwords differ/)
  await form.getByLabel('Repeat the password').fill(E2E_ADMIN_PASSWORD)
  await form.getByRole('button', { name: 'Create password and log in' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Batches' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible()
  const cookie = (await page.context().cookies()).find((c) => c.name === 'batchboard_session')
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false })

  // Setup happens once: the page now sends a logged-in visitor to the dashboard.
  await page.goto('/setup')
  await expect(page).toHaveURL('/')
  await page.context().storageState({ path: e2eStorageState })
})
