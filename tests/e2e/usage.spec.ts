import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from './fixtures'

const sample = readFileSync(path.join(__dirname, '../../public/samples/chat-completions.jsonl'))

test('a built-in batch answered by the simulator is free: estimated, on its page and on the Usage page', async ({ page, db }) => {
  await page.goto('/batches/new')
  await page.locator('input[type="file"]').setInputFiles({ name: 'chat-completions.jsonl', mimeType: 'application/jsonl', buffer: sample })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  const summary = page.getByRole('region', { name: 'Summary' })
  await expect(summary).toContainText('The simulator answers sim-chat: nothing is billed.')
  await page.getByLabel('Description').fill('E2E usage run')
  await page.getByRole('button', { name: 'Create batch' }).click()
  await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
  const batchId = page.url().split('/').pop()!
  const usageCard = page.getByRole('region', { name: 'Usage and cost' })
  await expect(usageCard.getByLabel('Cost')).toHaveText('Free', { timeout: 20_000 })
  await expect(usageCard).toContainText('Answered by the built-in simulator: nothing was billed.')
  const { usageTotalTokens } = await db.batch.findUniqueOrThrow({ where: { id: batchId }, select: { usageTotalTokens: true } })
  expect(Number(usageTotalTokens)).toBeGreaterThan(0)

  await page.goto('/usage?range=all')
  await expect(page.getByText(/tokens were answered by the built-in simulator: free, and not in the cost\./)).toBeVisible()
  const models = page.getByRole('table', { name: 'Usage per model' })
  const row = models.getByRole('row', { name: /sim-chat/ })
  await expect(row).toContainText('Free (simulated)')
  await expect(row).toContainText(Number(usageTotalTokens).toLocaleString('en-US'))
})

test('an OpenAI batch is costed at batch price, and a price edited in Settings changes its cost', async ({ page, db }) => {
  await db.connection.upsert({
    where: { id: 'conn_e2e_usage' },
    create: { id: 'conn_e2e_usage', kind: 'openai', name: 'E2E OpenAI', baseUrl: 'http://127.0.0.1:9/v1' },
    update: {},
  })
  try {
    const done = new Date()
    await db.batch.create({
      data: {
        id: 'batch_e2e_cost',
        connectionId: 'conn_e2e_usage',
        endpoint: '/v1/chat/completions',
        model: 'gpt-4o-mini-2024-07-18',
        status: 'completed',
        description: 'E2E costed',
        requestCountTotal: 10,
        requestCountCompleted: 10,
        completedAt: done,
        usageInputTokens: 1_000_000,
        usageCachedTokens: 0,
        usageOutputTokens: 1_000_000,
        usageReasoningTokens: 0,
        usageTotalTokens: 2_000_000,
      },
    })
    await db.batch.create({
      data: {
        id: 'batch_e2e_unpriced',
        connectionId: 'conn_e2e_usage',
        endpoint: '/v1/chat/completions',
        model: 'mystery-model',
        status: 'completed',
        completedAt: done,
        usageInputTokens: 10,
        usageOutputTokens: 5,
        usageTotalTokens: 15,
      },
    })

    // gpt-4o-mini at batch prices: 1M input at $0.075 + 1M output at $0.30; $0.75 as ordinary requests.
    await page.goto('/batches/batch_e2e_cost')
    const usageCard = page.getByRole('region', { name: 'Usage and cost' })
    await expect(usageCard.getByLabel('Cost')).toHaveText('$0.375')
    await expect(usageCard).toContainText('Saved $0.375')

    await page.goto('/usage?range=all')
    await expect(page.getByRole('note')).toContainText('no price for mystery-model')
    await expect(page.getByRole('table', { name: 'Usage per connection' }).getByRole('row', { name: /E2E OpenAI/ })).toContainText('$0.375')

    await page.goto('/settings')
    await page.getByRole('button', { name: 'Edit gpt-4o-mini', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit gpt-4o-mini' })
    await dialog.getByLabel('Input', { exact: true }).fill('-1')
    await dialog.getByRole('button', { name: 'Save price' }).click()
    await expect(dialog.getByText('a price cannot be negative')).toBeVisible()
    await dialog.getByLabel('Input', { exact: true }).fill('0.35')
    await dialog.getByRole('button', { name: 'Save price' }).click()
    await expect(page.getByText('Saved the price of gpt-4o-mini')).toBeVisible()
    await expect(
      page
        .getByRole('table', { name: 'Prices' })
        .getByRole('row', { name: /^gpt-4o-mini\b/ })
        .first(),
    ).toContainText('Edited')

    // Now 1M input at $0.175 (half of $0.35) + 1M output at $0.30.
    await page.goto('/')
    await expect(
      page
        .getByRole('row', { name: /E2E costed/ })
        .getByRole('cell')
        .last(),
    ).toContainText('$0.475')
    await page.goto('/usage?range=all')
    await expect(page.getByRole('table', { name: 'Usage per connection' }).getByRole('row', { name: /E2E OpenAI/ })).toContainText('$0.475')

    await page.goto('/settings')
    await page.getByRole('button', { name: 'Reset gpt-4o-mini to the shipped price' }).click()
    await expect(page.getByText('gpt-4o-mini is back to its shipped price')).toBeVisible()
    await page.goto('/batches/batch_e2e_cost')
    await expect(page.getByRole('region', { name: 'Usage and cost' }).getByLabel('Cost')).toHaveText('$0.375')
  } finally {
    await db.modelPrice.deleteMany({})
    await db.connection.delete({ where: { id: 'conn_e2e_usage' } })
  }
})
