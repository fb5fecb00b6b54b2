import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { e2eDataDir } from '@/playwright.config'
import { expect, test } from './fixtures'

const chatLine = (customId: string, body: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'sim-chat', messages: [{ role: 'user', content: `Question ${customId}` }], max_tokens: 50, ...body },
  })

/** A valid chat file of `count` requests, each line padded so the file spans several 4 MiB upload chunks; `tag` makes its bytes unique. */
function largeChatFile(count: number, tag: string): Buffer {
  const padding = 'x'.repeat(240)
  const lines: string[] = []
  for (let index = 1; index <= count; index++) lines.push(chatLine(`${tag}-${index}`, { metadata: { padding } }))
  return Buffer.from(`${lines.join('\n')}\n`)
}

/** UPLOAD_CHUNK_BYTES in lib/server/files/upload.ts (server-only, so not importable here). */
const CHUNK_BYTES = 4 * 1024 * 1024

const uploadsLeft = () => {
  const dir = path.join(e2eDataDir, 'uploads')
  return existsSync(dir) ? readdirSync(dir) : []
}

const fileInput = (page: Page) => page.locator('input[type="file"]')

async function dropFile(page: Page, name: string, content: string) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content }) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([content], name, { type: 'application/jsonl' }))
      return transfer
    },
    { name, content },
  )
  await page.getByRole('button', { name: /Drop a \.jsonl file here/ }).dispatchEvent('drop', { dataTransfer })
}

/** Chunks go to `PUT /api/uploads/{uploadId}?offset=N`; everything else about an upload is a server action. */
const isChunk = (url: URL) => url.pathname.startsWith('/api/uploads/')

function errorRow(page: Page, line: number | 'File') {
  return page
    .getByRole('table', { name: 'Errors by line' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: String(line), exact: true }) })
}

test('a dropped file with errors lists them by line and code, filters by code and downloads as CSV', async ({ page }) => {
  // An empty ?file= (a hand-edited or cut address) is no file: step one, not a crash.
  await page.goto('/batches/new?file=')
  const text = [
    chatLine('a'),
    '{"custom_id": "b", "method": "POST",',
    chatLine('a'),
    chatLine('d', { model: 'other-model' }),
    chatLine('e', { stream: true }),
  ].join('\n')
  await dropFile(page, 'broken.jsonl', `${text}\n`)

  await expect(page.getByRole('heading', { name: '4 errors' })).toBeVisible()
  await expect(errorRow(page, 2).getByRole('cell').nth(1)).toHaveText('invalid_json_line')
  await expect(errorRow(page, 3).getByRole('cell').nth(1)).toHaveText('duplicate_custom_id')
  await expect(errorRow(page, 3).getByRole('cell').nth(2)).toHaveText('custom_id')
  await expect(errorRow(page, 4).getByRole('cell').nth(1)).toHaveText('mismatched_model')
  await expect(errorRow(page, 5).getByRole('cell').nth(1)).toHaveText('streaming_unsupported')
  await expect(errorRow(page, 1)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Upload', exact: true })).toHaveCount(0)

  const group = page.getByRole('group', { name: 'Show errors by code' })
  await group.getByRole('button', { name: /duplicate_custom_id/ }).click()
  await expect(group.getByRole('button', { name: /duplicate_custom_id/ })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByRole('table', { name: 'Errors by line' }).getByRole('row')).toHaveCount(2)
  await expect(errorRow(page, 3)).toBeVisible()

  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download error report' }).click()
  const csv = readFileSync(await (await download).path(), 'utf8')
  expect((await download).suggestedFilename()).toBe('broken-errors.csv')
  expect(csv.split('\r\n')[0]).toBe('line,code,param,message')
  expect(csv).toContain('\r\n3,duplicate_custom_id,custom_id,')
  expect(csv).toContain('\r\n2,invalid_json_line,,')
})

test('files that are not batch files say what is wrong and what to do', async ({ page }) => {
  await page.goto('/batches/new')
  const cases: { name: string; buffer: Buffer; title: string; hint: RegExp }[] = [
    { name: 'requests.csv', buffer: Buffer.from('id,question\n1,hello\n'), title: 'This is not a .jsonl file', hint: /rename it to end in \.jsonl/ },
    { name: 'empty.jsonl', buffer: Buffer.alloc(0), title: 'This file is empty', hint: /0 bytes/ },
    { name: 'blank.jsonl', buffer: Buffer.from('\n  \n\n'), title: 'This file has no requests', hint: /one JSON request object on each line/ },
    {
      name: 'utf16.jsonl',
      buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${chatLine('a')}\n`, 'utf16le')]),
      title: 'This file is saved as UTF-16',
      hint: /save it again with the encoding set to UTF-8/,
    },
    {
      name: 'photo.jsonl',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      title: 'This is not a text file',
      hint: /looks like a PNG image/,
    },
    { name: 'requests.jsonl.gz', buffer: Buffer.from([0x1f, 0x8b, 8, 0]), title: 'This file is compressed', hint: /Extract it first/ },
  ]
  for (const { name, buffer, title, hint } of cases) {
    await fileInput(page).setInputFiles({ name, mimeType: 'application/octet-stream', buffer })
    const alert = page.getByRole('region', { name: 'Start from a batch file' }).getByRole('alert')
    await expect(alert.getByRole('heading', { name: title })).toBeVisible()
    await expect(alert).toContainText(hint)
    await expect(page.getByRole('button', { name: 'Upload', exact: true })).toHaveCount(0)
  }
})

test('a file chosen while the page is still loading is checked once it has loaded', async ({ page }) => {
  // A slow load: the page's scripts are held until the file is chosen in the server's HTML, so React is not listening yet.
  let chosen!: () => void
  const fileChosen = new Promise<void>((resolve) => (chosen = resolve))
  await page.route(
    (url) => url.pathname.startsWith('/_next/static/') && url.pathname.endsWith('.js'),
    async (route) => {
      await fileChosen
      await route.continue()
    },
  )
  await page.goto('/batches/new', { waitUntil: 'domcontentloaded' })
  await fileInput(page).setInputFiles({
    name: 'early.jsonl',
    mimeType: 'application/jsonl',
    buffer: Buffer.from(`${chatLine('early-1')}\n${chatLine('early-2')}\n`),
  })
  chosen()

  await expect(page.getByRole('heading', { name: 'Ready to upload' })).toBeVisible({ timeout: 20_000 })
  await expect(page.getByText('No problems found in 2 requests.')).toBeVisible()
})

test('a valid file uploads in chunks with progress, shows up in Files, and is reused when uploaded again', async ({ page, db }) => {
  test.slow()
  const tag = `up${Date.now()}`
  const content = largeChatFile(30_000, tag)
  expect(content.length).toBeGreaterThan(2 * CHUNK_BYTES)
  let chunks = 0
  // Slow enough that the bar is seen between 0 and 100 %.
  await page.route(isChunk, async (route) => {
    chunks++
    await new Promise((resolve) => setTimeout(resolve, 400))
    await route.fallback()
  })

  await page.goto('/batches/new')
  await fileInput(page).setInputFiles({ name: `${tag}.jsonl`, mimeType: 'application/jsonl', buffer: content })
  await expect(page.getByRole('heading', { name: 'Ready to upload' })).toBeVisible({ timeout: 20_000 })
  await expect(page.getByText('No problems found in 30,000 requests.')).toBeVisible()

  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('progressbar', { name: 'Uploading the file' })).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/)
  await expect(page.getByRole('heading', { name: `${tag}.jsonl` })).toBeVisible({ timeout: 20_000 })
  await expect(page.getByText(`Uploaded ${tag}.jsonl`)).toBeVisible()
  await expect(page.getByText('30,000 requests · /v1/chat/completions · sim-chat')).toBeVisible()
  await expect(page.getByRole('heading', { name: /Next: choose where it runs/ })).toBeVisible()
  expect(chunks).toBe(Math.ceil(content.length / CHUNK_BYTES))
  expect(page.url()).toMatch(/\?file=file-/)
  const row = await db.file.findFirstOrThrow({ where: { filename: `${tag}.jsonl` } })
  expect(row).toMatchObject({ lineCount: 30_000, bytes: BigInt(content.length) })

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files', exact: true }).click()
  const listed = page.getByRole('row', { name: new RegExp(`${tag}\\.jsonl`) })
  await expect(listed.getByRole('cell', { name: '30,000' })).toBeVisible()
  await expect(listed.getByRole('cell', { name: 'sim-chat' })).toBeVisible()

  // The same bytes under another name: the browser's hash finds the stored file, so nothing is sent.
  chunks = 0
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New batch', exact: true }).click()
  await fileInput(page).setInputFiles({ name: 'copy.jsonl', mimeType: 'application/jsonl', buffer: content })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByText(new RegExp(`You uploaded this file before as ${tag}\\.jsonl on .+ — using it\\.`))).toBeVisible()
  expect(chunks).toBe(0)
  expect(await db.file.count({ where: { sha256: row.sha256 } })).toBe(1)
})

test('cancelling an upload part-way leaves no file and no temporary data', async ({ page, db }) => {
  test.slow()
  const tag = `cancel${Date.now()}`
  let chunks = 0
  let releaseSecondChunk = () => {}
  const secondChunkHeld = new Promise<void>((resolve) => (releaseSecondChunk = resolve))
  await page.route(isChunk, async (route) => {
    if (++chunks === 2) await secondChunkHeld
    // Cancelling aborts the held request, which then cannot be continued.
    await route.fallback().catch(() => {})
  })

  await page.goto('/batches/new')
  await fileInput(page).setInputFiles({ name: `${tag}.jsonl`, mimeType: 'application/jsonl', buffer: largeChatFile(30_000, tag) })
  await page.getByRole('button', { name: 'Upload', exact: true }).click({ timeout: 20_000 })
  await expect(page.getByRole('progressbar', { name: 'Uploading the file' })).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/)
  expect(uploadsLeft()).toHaveLength(1)

  await page.getByRole('button', { name: 'Cancel upload' }).click()
  releaseSecondChunk()
  await expect(page.getByText('Upload cancelled; nothing was kept on the server.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Upload again' })).toBeVisible()
  expect(chunks).toBe(2)
  expect(uploadsLeft()).toEqual([])
  expect(await db.file.count({ where: { filename: `${tag}.jsonl` } })).toBe(0)
})

test('a chunk that keeps failing is retried, then waits for Retry, which finishes the upload', async ({ page, db }) => {
  const tag = `retry${Date.now()}`
  let attempts = 0
  await page.route(isChunk, (route) => {
    attempts++
    return route.abort('connectionreset')
  })

  await page.goto('/batches/new')
  await dropFile(page, `${tag}.jsonl`, `${chatLine(`${tag}-1`)}\n${chatLine(`${tag}-2`)}\n`)
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'The upload stopped' })).toBeVisible({ timeout: 15_000 })
  expect(attempts).toBe(3)

  await page.unroute(isChunk)
  await page.getByRole('button', { name: 'Retry' }).click()
  await expect(page.getByRole('heading', { name: `${tag}.jsonl` })).toBeVisible()
  expect(await db.file.findFirst({ where: { filename: `${tag}.jsonl` } })).toMatchObject({ lineCount: 2 })
  expect(uploadsLeft()).toEqual([])
})

test('giving up on an upload whose chunks fail removes what was sent', async ({ page, db }) => {
  test.slow()
  const tag = `giveup${Date.now()}`
  let chunks = 0
  await page.route(isChunk, (route) => (++chunks > 1 ? route.abort('connectionreset') : route.fallback()))

  await page.goto('/batches/new')
  await fileInput(page).setInputFiles({ name: `${tag}.jsonl`, mimeType: 'application/jsonl', buffer: largeChatFile(30_000, tag) })
  await page.getByRole('button', { name: 'Upload', exact: true }).click({ timeout: 20_000 })
  await expect(page.getByRole('alert').filter({ hasText: 'The upload stopped' })).toBeVisible({ timeout: 15_000 })
  // The first chunk reached the server.
  expect(uploadsLeft()).toHaveLength(1)

  await page.getByRole('button', { name: 'Cancel upload' }).click()
  await expect(page.getByText('Upload cancelled; nothing was kept on the server.')).toBeVisible()
  expect(uploadsLeft()).toEqual([])
  expect(await db.file.count({ where: { filename: `${tag}.jsonl` } })).toBe(0)
})

test('a sample can be tried, uploaded, previewed and downloaded', async ({ page, db }) => {
  await page.goto('/batches/new')
  const samples = page.getByRole('group', { name: /Try a sample/ })

  await samples.getByRole('button', { name: 'With errors' }).click()
  await expect(page.getByRole('heading', { name: '9 errors' })).toBeVisible()
  await expect(errorRow(page, 3).getByRole('cell').nth(1)).toHaveText('invalid_json_line')
  await expect(errorRow(page, 10)).toContainText('This line is blank')

  await samples.getByRole('button', { name: 'Embeddings' }).click()
  await expect(page.getByRole('heading', { name: 'Ready to upload' })).toBeVisible()
  await expect(page.getByText('sim-embed')).toBeVisible()

  await samples.getByRole('button', { name: 'Chat completions' }).click()
  await expect(page.getByText('No problems found in 20 requests.')).toBeVisible()
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await page.getByRole('heading', { name: 'chat-completions.jsonl' }).getByRole('link').click()

  await expect(page.getByRole('heading', { level: 1, name: 'chat-completions.jsonl' })).toBeVisible()
  await expect(page.getByText('No batch has used this file yet.')).toBeVisible()
  const preview = page.getByRole('list', { name: 'Lines of the file' })
  await expect(preview.getByRole('listitem')).toHaveCount(20)
  // Pretty-printed: one key per line, indented.
  await expect(preview.getByRole('listitem').first()).toContainText('"custom_id": "request-1",\n  "method": "POST",')

  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download' }).click()
  expect(readFileSync(await (await download).path(), 'utf8')).toBe(readFileSync(path.join(process.cwd(), 'public/samples/chat-completions.jsonl'), 'utf8'))
  expect(await db.file.count({ where: { filename: 'chat-completions.jsonl' } })).toBe(1)
})

test('a long report keeps the first 1,000 errors and says how many there are', async ({ page }) => {
  await page.goto('/batches/new')
  await dropFile(page, 'all-bad.jsonl', `${Array.from({ length: 1500 }, (_, index) => `{"broken": ${index}`).join('\n')}\n`)
  await expect(page.getByRole('heading', { name: '1,500 errors' })).toBeVisible()
  await expect(page.getByText('Showing the first 1,000 of 1,500 errors')).toBeVisible()
  const table = page.getByRole('table', { name: 'Errors by line' })
  await expect(table).toHaveAttribute('aria-rowcount', '1001')
  // Only the rows in view are rendered.
  expect(await table.getByRole('row').count()).toBeLessThan(60)
  await table.locator('[tabindex="0"]').evaluate((scroller) => scroller.scrollTo(0, scroller.scrollHeight))
  await expect(errorRow(page, 1000)).toBeVisible()
  await expect(errorRow(page, 1001)).toHaveCount(0)
})

test('a file can be deleted from the library; one a running batch uses is refused with the reason', async ({ page, db }) => {
  const stamp = Date.now()
  const unused = await db.file.create({
    data: {
      id: `file-e2eunused${stamp}`,
      filename: 'old-questions.jsonl',
      purpose: 'batch',
      bytes: 1200n,
      lineCount: 12,
      endpoint: '/v1/chat/completions',
      model: 'sim-chat',
    },
  })
  const used = await db.file.create({
    data: {
      id: `file-e2einuse${stamp}`,
      filename: 'running-input.jsonl',
      purpose: 'batch',
      bytes: 800n,
      lineCount: 8,
      endpoint: '/v1/chat/completions',
      model: 'sim-chat',
    },
  })
  // On a remote connection, so the built-in engine does not pick the batch up and finish it.
  const connection = await db.connection.create({
    data: { id: `conn_e2e_${stamp}`, kind: 'openai', name: `E2E remote ${stamp}`, baseUrl: 'http://127.0.0.1:9/v1' },
  })
  try {
    const batchId = `batch_e2e_in_use_${stamp}`
    await db.batch.create({ data: { id: batchId, connectionId: connection.id, endpoint: '/v1/chat/completions', status: 'in_progress', inputFileId: used.id } })

    await page.goto('/files')
    const usedRow = page.getByRole('row', { name: /running-input\.jsonl/ })
    await expect(usedRow.getByRole('cell').nth(6)).toHaveText('1')

    await page.getByRole('button', { name: 'Delete old-questions.jsonl' }).click()
    const dialog = page.getByRole('alertdialog', { name: 'Delete old-questions.jsonl?' })
    await dialog.getByRole('button', { name: 'Delete file' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByText('Deleted old-questions.jsonl')).toBeVisible()
    await expect(page.getByRole('row', { name: /old-questions\.jsonl/ })).toHaveCount(0)
    expect(await db.file.findUnique({ where: { id: unused.id } })).toBeNull()

    await page.getByRole('button', { name: 'Delete running-input.jsonl' }).click()
    const refused = page.getByRole('alertdialog', { name: 'Delete running-input.jsonl?' })
    await refused.getByRole('button', { name: 'Delete file' }).click()
    await expect(refused.getByRole('alert')).toHaveText(`Batch ${batchId} is still using this file. Wait for it to finish or cancel it, then delete the file.`)
    await refused.getByRole('button', { name: 'Close' }).click()
    await expect(usedRow).toBeVisible()
    expect(await db.file.findUnique({ where: { id: used.id } })).not.toBeNull()
  } finally {
    // Its batch goes with it (cascade).
    await db.connection.delete({ where: { id: connection.id } })
  }
})
