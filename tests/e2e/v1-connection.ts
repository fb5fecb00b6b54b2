import { createHash, randomBytes } from 'node:crypto'
import type { Page } from '@playwright/test'
import type { PrismaClient } from '@/lib/server/db/generated/client'
import { expect } from './fixtures'

/** A /v1 key stored the way Settings → API keys stores one (its sha256); returns the key. */
export async function createV1Key(db: PrismaClient, name: string): Promise<string> {
  const key = `bb-${randomBytes(24).toString('base64url')}`
  await db.apiKey.create({
    data: { id: `key_${randomBytes(8).toString('hex')}`, name, hash: createHash('sha256').update(key).digest('hex'), prefix: key.slice(0, 7) },
  })
  return key
}

/** Adds an `openai` connection to this server's own /v1 through the Connections dialog, as a user would. */
export async function addV1Connection(page: Page, { name, baseURL, key }: { name: string; baseURL: string; key: string }): Promise<void> {
  await page.goto('/connections')
  await page.getByRole('button', { name: 'Add connection' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'Add a connection' })
  await dialog.getByLabel('Name').fill(name)
  await dialog.getByLabel('Base URL').fill(`${baseURL}/v1`)
  await dialog.getByLabel('API key').fill(key)
  await dialog.getByRole('button', { name: 'Add connection' }).click()
  await expect(dialog).toBeHidden()
}
