import http from 'node:http'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { serveOnLoopback } from './loopback'

// Issue 20 item 4: the Results page of a running 20,000-line engine batch lists the lines answered so far, grows,
// searches among them, and ends with the final index.

const LINES = 20_000
/** About a minute for 20,000 lines at 8 at once: long enough to watch, short enough for the suite. */
const LATENCY_MS = 20
const CONCURRENCY = 8
const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`
const UPSTREAM = `e2e-slow-${nonce}`
const MODEL = `slow-${nonce}`
/** Screenshots for the notes when asked for: E2E_SHOTS_DIR=/some/dir. */
const shotsDir = process.env.E2E_SHOTS_DIR

/** An OpenAI-compatible upstream on loopback that answers every chat completion after LATENCY_MS. */
async function startSlowUpstream() {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { messages?: { content: string }[] }
      const content = `Answer: ${body.messages?.at(-1)?.content ?? ''}`
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: MODEL,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 8, completion_tokens: 8, total_tokens: 16 },
          }),
        )
      }, LATENCY_MS)
    })
  })
  return serveOnLoopback(server)
}

/** Every 50th line asks about zebras: 400 of them. */
const file = `${Array.from({ length: LINES }, (_, i) =>
  JSON.stringify({
    custom_id: `request-${i + 1}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: MODEL, messages: [{ role: 'user', content: `Question ${i + 1} about ${(i + 1) % 50 === 0 ? 'zebras' : 'cats'}` }] },
  }),
).join('\n')}\n`

const partialOf = async (page: Page) => {
  const text =
    (await page
      .getByRole('status')
      .filter({ hasText: /^Partial:/ })
      .textContent()) ?? ''
  const match = /^Partial: ([\d,]+) of ([\d,]+) lines so far, updating\.$/.exec(text.trim())
  return match ? { done: Number(match[1]!.replaceAll(',', '')), of: Number(match[2]!.replaceAll(',', '')) } : null
}

test('results of a running 20,000-line batch: partial rows that grow, search among them, then the final index', async ({ page, db }) => {
  test.setTimeout(600_000)
  const upstream = await startSlowUpstream()
  await db.upstream.create({
    data: { id: `ups_${nonce.replace(/\W/g, '')}`, name: UPSTREAM, baseUrl: upstream.url, models: [MODEL], maxConcurrency: CONCURRENCY },
  })
  try {
    await page.goto('/batches/new')
    await page.locator('input[type="file"]').setInputFiles({ name: `live-${nonce}.jsonl`, mimeType: 'application/jsonl', buffer: Buffer.from(file) })
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible({ timeout: 60_000 })
    await page.getByLabel('Description').fill('E2E live results')
    // The engine reads its upstreams through a cache of a few seconds: the new one must be in it before the run.
    await page.waitForTimeout(6_000)
    await page.getByRole('button', { name: 'Create batch' }).click()
    await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)

    // The engine's batches have a Results link as soon as they run.
    await page.getByRole('link', { name: 'Results', exact: true }).click({ timeout: 60_000 })
    await expect(page.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible()
    const status = page.getByRole('status').filter({ hasText: /^Partial:/ })
    await expect(status).toHaveText(/^Partial: [\d,]+ of 20,000 lines so far, updating\.$/, { timeout: 120_000 })
    const table = page.getByRole('table', { name: 'Results' })
    const chips = page.getByRole('group', { name: 'Filter by status' })
    await expect(chips.getByRole('button', { name: /All\s*20,000/ })).toBeVisible()

    await expect.poll(async () => (await partialOf(page))?.done ?? 0, { timeout: 120_000 }).toBeGreaterThan(0)
    const first = (await partialOf(page))!
    expect(first.of).toBe(LINES)
    await expect(chips.getByRole('button', { name: /Pending/ })).toBeVisible()
    await chips.getByRole('button', { name: /Succeeded/ }).click()
    await expect(table.getByRole('button', { name: /^Open request-/ }).first()).toBeVisible()
    // The count grows while the page is open, without a reload.
    await expect.poll(async () => (await partialOf(page))?.done ?? LINES, { timeout: 120_000 }).toBeGreaterThan(first.done)
    if (shotsDir) await page.screenshot({ path: path.join(shotsDir, 'live-partial.png'), fullPage: true })

    await chips.getByRole('button', { name: /Succeeded/ }).click()
    await page.getByLabel('Search results').fill('zebras')
    await expect(page.getByText('400 rows', { exact: true })).toBeVisible({ timeout: 20_000 })
    await expect(table.getByRole('button', { name: 'Open request-50', exact: true })).toBeVisible()
    await table.getByRole('button', { name: 'Open request-50', exact: true }).click()
    await expect(page.getByRole('dialog', { name: 'request-50' }).getByText('Question 50 about zebras').first()).toBeVisible()
    await page.keyboard.press('Escape')
    if (shotsDir) await page.screenshot({ path: path.join(shotsDir, 'live-search.png'), fullPage: true })
    await page.getByLabel('Search results').fill('')

    // The batch ends; the final index replaces the partial one.
    await expect(status).toBeHidden({ timeout: 420_000 })
    await expect(chips.getByRole('button', { name: /Succeeded\s*20,000/ })).toBeVisible({ timeout: 60_000 })
    await expect(chips.getByRole('button', { name: /Pending/ })).toHaveCount(0)
    await expect(page.getByText('20,000 rows', { exact: true })).toBeVisible()
    await page.getByLabel('Search results').fill('zebras')
    await expect(page.getByText('400 rows', { exact: true })).toBeVisible({ timeout: 20_000 })
    await page.getByLabel('Search results').fill('')
    if (shotsDir) await page.screenshot({ path: path.join(shotsDir, 'live-final.png'), fullPage: true })
  } finally {
    await db.upstream.deleteMany({ where: { name: UPSTREAM } })
    await upstream.close()
  }
})
