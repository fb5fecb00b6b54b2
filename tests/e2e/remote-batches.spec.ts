import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from './fixtures'
import { addV1Connection, createV1Key } from './v1-connection'

const NAME = 'e2e remote Batchboard'
const KEY_NAME = 'e2e remote key'
const sample = readFileSync(path.join(__dirname, '../../public/samples/chat-completions.jsonl'))

test('a batch on an openai connection (this server’s own /v1) is created from New batch, syncs to completed, and its local output downloads', async ({
  page,
  db,
  baseURL,
  request,
}) => {
  test.setTimeout(90_000)
  const key = await createV1Key(db, KEY_NAME)
  try {
    await addV1Connection(page, { name: NAME, baseURL: baseURL!, key })

    await page.goto('/batches/new')
    await page.locator('input[type="file"]').setInputFiles({ name: 'chat-completions.jsonl', mimeType: 'application/jsonl', buffer: sample })
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible()
    await page.getByRole('radio', { name: new RegExp(NAME) }).check()
    await expect(page.getByLabel('Completion window')).toHaveValue('24h')
    await page.getByLabel('Description').fill('E2E remote run')
    await page.getByRole('button', { name: 'Create batch' }).click()

    await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
    await expect(page.getByRole('heading', { level: 1, name: 'E2E remote run' })).toBeVisible()
    await expect(page.getByRole('main').locator('header').getByText(NAME, { exact: true })).toBeVisible()
    const batchId = page.url().split('/').pop()!
    const row = await db.batch.findUniqueOrThrow({ where: { id: batchId } })
    expect(row.remoteId).toMatch(/^batch_/)
    expect(row.remoteId).not.toBe(batchId)

    // Synced from the provider (the page itself only reads Batchboard's database), then the output copied here.
    const badge = page.getByRole('heading', { level: 1 }).locator('xpath=..').locator('[data-tone]')
    await expect(badge).toHaveText('Completed', { timeout: 45_000 })
    await expect(page.getByText(/Last synced with e2e remote Batchboard/)).toBeVisible()
    const ids = page.getByRole('region', { name: 'Ids' })
    await expect(ids.getByText(row.remoteId!)).toBeVisible()
    await expect(ids.getByRole('button', { name: 'Copy remote id' })).toBeVisible()
    const downloadLink = page.getByRole('link', { name: 'Download output file' })
    await expect(downloadLink).toBeVisible({ timeout: 30_000 })
    const download = page.waitForEvent('download')
    await downloadLink.click()
    const output = readFileSync(await (await download).path(), 'utf8')
    expect(output.split('\n').filter((line) => line !== '')).toHaveLength(20)
    const local = await db.batch.findUniqueOrThrow({ where: { id: batchId }, include: { outputFile: true } })
    expect(local.outputFile).toMatchObject({ connectionId: local.connectionId, remoteId: local.remoteOutputFileId, purpose: 'batch_output' })

    // Listed with its connection (beside the built-in engine's own record of it, since the provider is this server);
    // no page's HTML holds the key.
    await page.goto('/')
    await expect(page.getByRole('row', { name: new RegExp(`E2E remote run ${NAME}`) })).toContainText(/synced .* ago/)
    for (const url of ['/', `/batches/${batchId}`, '/batches/new', '/connections', '/files', `/files/${local.outputFileId}`, '/settings', '/usage']) {
      const html = await (await request.get(url)).text()
      expect(html, url).not.toContain(key)
    }
  } finally {
    const connection = await db.connection.findUnique({ where: { name: NAME } })
    if (connection) {
      await db.batch.deleteMany({ where: { connectionId: connection.id } })
      await db.connection.delete({ where: { id: connection.id } })
    }
    await db.apiKey.deleteMany({ where: { name: KEY_NAME } })
  }
})
