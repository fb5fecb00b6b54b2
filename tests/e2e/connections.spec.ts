import { createHash, randomBytes } from 'node:crypto'
import { expect, test } from './fixtures'

const NAME = 'e2e this Batchboard'
const KEY_NAME = 'e2e connection key'

test('a connection to this server’s own /v1 is added, tested, edited, and deleted; the key is shown only as a hint', async ({ page, db, baseURL }) => {
  // A /v1 key, stored the way Settings → API keys stores one: only its sha256.
  const key = `bb-${randomBytes(24).toString('base64url')}`
  await db.apiKey.create({
    data: { id: `key_${randomBytes(8).toString('hex')}`, name: KEY_NAME, hash: createHash('sha256').update(key).digest('hex'), prefix: key.slice(0, 7) },
  })
  try {
    await page.goto('/connections')
    await page.getByRole('region', { name: 'No OpenAI connections yet' }).getByRole('button', { name: 'Add connection' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add a connection' })
    await expect(dialog.getByLabel('Base URL')).toHaveValue('https://api.openai.com/v1')
    await dialog.getByRole('button', { name: 'Add connection' }).click()
    await expect(dialog.getByLabel('Name')).toHaveAccessibleDescription(/give the connection a name/)
    await dialog.getByLabel('Name').fill(NAME)
    await dialog.getByLabel('Base URL').fill('localhost:3000/v1')
    await dialog.getByLabel('Base URL').blur()
    await expect(dialog.getByLabel('Base URL')).toHaveAccessibleDescription(/must be an http:\/\/ or https:\/\/ URL/)
    await dialog.getByLabel('Base URL').fill(`${baseURL}/v1`)
    await expect(dialog.getByText(/must be an http/)).toHaveCount(0)
    await dialog.getByLabel('API key').fill(key)
    await dialog.getByRole('button', { name: 'Add connection' }).click()
    await expect(dialog).toBeHidden()

    const card = page.getByRole('listitem', { name: NAME })
    await expect(card.getByText(`${baseURL}/v1`)).toBeVisible()
    await expect(card.getByText(`•••• ${key.slice(-4)}`)).toBeVisible()
    expect(await page.content()).not.toContain(key)

    await card.getByRole('button', { name: `Test ${NAME}` }).click()
    await expect(card.getByRole('status')).toContainText(/Connected in \d+ ms/)

    // Editing without retyping the key keeps it: the test still passes.
    await card.getByRole('button', { name: `Edit ${NAME}` }).click()
    const edit = page.getByRole('dialog', { name: `Edit ${NAME}` })
    await expect(edit.getByLabel('API key')).toHaveValue('')
    await edit.getByLabel('Project (optional)').fill('proj_e2e')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect(edit).toBeHidden()
    await expect(card.getByText('proj_e2e')).toBeVisible()
    await card.getByRole('button', { name: `Test ${NAME}` }).click()
    await expect(card.getByRole('status')).toContainText(/Connected in \d+ ms/)

    await card.getByRole('button', { name: `Delete ${NAME}` }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete connection' }).click()
    await expect(card).toHaveCount(0)
    await expect(page.getByRole('heading', { name: 'No OpenAI connections yet' })).toBeVisible()
  } finally {
    await db.connection.deleteMany({ where: { name: NAME } })
    await db.apiKey.deleteMany({ where: { name: KEY_NAME } })
  }
})

test('a connection with a wrong key shows the server’s 401 message', async ({ page, db, baseURL }) => {
  try {
    await page.goto('/connections')
    await page.getByRole('button', { name: 'Add connection' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add a connection' })
    await dialog.getByLabel('Name').fill('e2e wrong key')
    await dialog.getByLabel('Base URL').fill(`${baseURL}/v1`)
    await dialog.getByLabel('API key').fill('bb-not-a-real-key-9999')
    await dialog.getByRole('button', { name: 'Add connection' }).click()
    await expect(dialog).toBeHidden()

    const card = page.getByRole('listitem', { name: 'e2e wrong key' })
    await card.getByRole('button', { name: 'Test e2e wrong key' }).click()
    await expect(card.getByRole('alert')).toContainText('Test failed after')
    await expect(card.getByRole('alert')).toContainText(
      "401: Incorrect API key provided: bb-***************9999. Check the key, or create a new one in Batchboard's settings.",
    )
    expect(await page.content()).not.toContain('bb-not-a-real-key-9999')
  } finally {
    await db.connection.deleteMany({ where: { name: 'e2e wrong key' } })
  }
})
