import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { e2eDataDir, e2eServerLog } from '@/playwright.config'
import { startFakeAnthropic, type FakeAnthropic } from '@/tests/support/fake-anthropic'
import { startFakeGemini, type FakeGemini } from '@/tests/support/fake-gemini'
import { lineKind, providerBatchLines } from '@/tests/support/provider-lines'
import { expect as baseExpect, test } from './fixtures'
import { filesHolding, recordResponses } from './leaks'

// Issue 16's e2e: the same OpenAI-format 200-line file (text, a system prompt, an image, a tool call, one line without
// max_tokens, and two lines the provider ends as errored and expired) runs from New batch on an Anthropic and on a
// Gemini connection, each against its fake provider on loopback (tests/support/fake-*.ts, which the app server reaches
// on 127.0.0.1); then the results page, the CSV export and the downloaded output and error files are checked line by line.

type Kind = 'anthropic' | 'gemini'
type Line = { custom_id: string; response: { status_code: number; body: Record<string, unknown> } | null; error: { code: string; message: string } | null }

const DEFAULT_MAX_TOKENS = 512
const TOOL_CALL = 'get_weather({"city":"Paris"})'
// A refusal that repeats the key, as some providers' errors do: shown word for word, with the key masked.
const refusal = (key: string) => `The key ${key} may not create batches in this workspace.`

// Each step waits on a server that syncs with a provider and indexes 200 rows; give every assertion room on a loaded machine.
const expect = baseExpect.configure({ timeout: 15_000 })

const fakes: { anthropic?: FakeAnthropic; gemini?: FakeGemini } = {}

const KINDS = {
  anthropic: {
    label: 'Anthropic',
    name: 'e2e Claude',
    model: 'claude-sonnet-4-6',
    // One request expired, so the batch is expired with partial results (as OpenAI reports such a batch).
    outcome: 'Expired · 198 done / 2 not done',
    chips: [/Succeeded\s*198/, /Failed\s*1/, /Expired\s*1/],
    answer: (id: string) =>
      `Answer to ${id} (1 messages${lineKind(id) === 'system' ? ', with a system prompt' : lineKind(id) === 'image' ? ', with 1 image' : ''})`,
    errors: {
      'req-errored': { status: 400, type: 'invalid_request_error', message: 'messages.0.content: the request req-errored was refused' },
      'req-expired': { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
    },
  },
  gemini: {
    label: 'Google Gemini',
    name: 'e2e Gemini',
    model: 'gemini-2.5-flash',
    outcome: 'Completed · 2 failed',
    chips: [/Succeeded\s*198/, /Failed\s*2/],
    answer: (id: string) =>
      `Answer to ${id} (1 turns${lineKind(id) === 'system' ? ', with a system instruction' : lineKind(id) === 'image' ? ', with 1 image' : ''})`,
    errors: {
      'req-errored': { status: 400, type: 'INVALID_ARGUMENT', message: 'Request req-errored contains an invalid argument.' },
      'req-expired': { status: 504, type: 'DEADLINE_EXCEEDED', message: 'Deadline expired before operation could complete.' },
    },
  },
} as const

const fileOf = (lines: string[], name: string) => ({ name, mimeType: 'application/jsonl', buffer: Buffer.from(`${lines.join('\n')}\n`) })
const outcomeBadge = (page: Page) => page.getByRole('heading', { level: 1 }).locator('xpath=..').locator('[data-tone]')
const shots = process.env.E2E_SHOTS_DIR
const shoot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, name), fullPage: true })
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') field += text[++i]
      else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field])
      row = []
      field = ''
      i++
    } else field += char
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line)

async function download(page: Page, link: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()])
  return readFileSync((await file.path())!, 'utf8')
}

async function addConnection(page: Page, kind: Kind, baseURL: string, apiKey: string) {
  const { label, name } = KINDS[kind]
  await page.goto('/connections')
  await page.getByRole('button', { name: 'Add connection' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'Add a connection' })
  await dialog.getByRole('radiogroup', { name: 'Kind' }).getByRole('radio', { name: label }).check()
  await dialog.getByLabel('Name').fill(name)
  await dialog.getByLabel('Base URL').fill(baseURL)
  await dialog.getByLabel('API key').fill(apiKey)
  if (kind === 'anthropic') await dialog.getByLabel('Default max tokens', { exact: true }).fill(String(DEFAULT_MAX_TOKENS))
  await dialog.getByRole('button', { name: 'Add connection' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('listitem', { name })).toContainText(`•••• ${apiKey.slice(-4)}`)
}

async function upload(page: Page, file: ReturnType<typeof fileOf>, connectionName: string) {
  await page.goto('/batches/new')
  await page.locator('input[type="file"]').setInputFiles(file)
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Next: choose where it runs' })).toBeVisible()
  await page.getByRole('radio', { name: new RegExp(connectionName) }).check()
}

test.beforeAll(async () => {
  fakes.anthropic = await startFakeAnthropic()
  fakes.gemini = await startFakeGemini()
})

test.afterAll(async () => {
  await fakes.anthropic?.close()
  await fakes.gemini?.close()
})

for (const kind of ['anthropic', 'gemini'] as const) {
  test(`a 200-line OpenAI-format file runs from New batch on the ${kind} connection; results page, CSV, output and error files are right line by line`, async ({
    page,
    request,
    db,
  }) => {
    test.setTimeout(300_000)
    const { name, model, outcome, chips, answer, errors } = KINDS[kind]
    const fake = kind === 'anthropic' ? fakes.anthropic! : fakes.gemini!
    const answers = recordResponses(page)
    try {
      await addConnection(page, kind, fake.baseURL, fake.apiKey)

      // Lines that do not translate are listed with their line numbers before anything is sent, and Create stays off.
      const untranslatable = providerBatchLines(model, 6).map((line, index) => {
        const parsed = JSON.parse(line) as { body: Record<string, unknown> }
        if (index === 1) parsed.body.n = 2
        if (index === 3) parsed.body.logprobs = true
        return JSON.stringify(parsed)
      })
      const creates = fake.calls.length
      await upload(page, fileOf(untranslatable, `untranslatable-${kind}.jsonl`), name)
      const untranslatableList = page.getByRole('alert').filter({ hasText: `2 lines do not translate for ${name}` })
      await expect(untranslatableList).toBeVisible()
      await expect(untranslatableList.getByRole('listitem')).toHaveText([/^Line 2 body\.n .*remove "n"/, /^Line 4 body\.logprobs .*remove "logprobs"/])
      await expect(page.getByRole('button', { name: 'Create batch' })).toBeDisabled()
      await shoot(page, `new-batch-${kind}-untranslatable.png`)
      expect(fake.calls.length).toBe(creates)

      // The real file.
      const lines = providerBatchLines(model)
      const inputs = new Map(lines.map((line) => [(JSON.parse(line) as { custom_id: string }).custom_id, line]))
      await upload(page, fileOf(lines, `questions-${kind}.jsonl`), name)
      const note =
        kind === 'anthropic'
          ? `Every line translates for ${name}. Lines without max_completion_tokens get ${DEFAULT_MAX_TOKENS} (the connection's default).`
          : `Every line translates for ${name}.`
      await expect(page.getByText(note)).toBeVisible()
      // These providers keep results for their own time: there is no output_expires_after to choose.
      await expect(page.getByLabel('Keep results for')).toHaveCount(0)
      await expect(page.getByRole('region', { name: 'Summary' }).getByText('200', { exact: true })).toBeVisible()
      await page.getByLabel('Description').fill(`E2E ${kind} run`)
      await shoot(page, `new-batch-${kind}.png`)

      // A provider's 4xx on create is shown in its own words (the key it repeats masked), nothing is started, and Create works again after it.
      if (kind === 'anthropic')
        fakes.anthropic!.fail('POST', /^\/v1\/messages\/batches$/, { status: 403, type: 'permission_error', message: refusal(fake.apiKey) })
      else fakes.gemini!.fail('POST', /:batchGenerateContent$/, { status: 403, message: refusal(fake.apiKey) })
      await page.getByRole('button', { name: 'Create batch' }).click()
      await expect(page.getByRole('alert').filter({ hasText: 'The batch was not created' }).first()).toContainText(
        `${name} could not create the batch: 403 ${kind === 'anthropic' ? 'permission_error' : 'PERMISSION_DENIED'}: ${refusal('[redacted]')} The uploaded input file was deleted again; nothing was started.`,
      )
      await expect(page).toHaveURL(/\/batches\/new/)
      await page.getByRole('button', { name: 'Create batch' }).click()

      await expect(page).toHaveURL(/\/batches\/batch_[0-9a-f]+$/)
      await expect(page.getByRole('heading', { level: 1, name: `E2E ${kind} run` })).toBeVisible()
      const batchId = page.url().split('/').pop()!
      // Synced from the provider by the sync loop (about every 10 s), then its results converted here.
      await expect(outcomeBadge(page)).toHaveText(outcome, { timeout: 150_000 })
      await expect(page.getByRole('link', { name: 'Download output file' })).toBeVisible({ timeout: 60_000 })
      const row = await db.batch.findUniqueOrThrow({ where: { id: batchId } })
      expect(row).toMatchObject({ model, requestCountTotal: 200, requestCountCompleted: 198, requestCountFailed: 2, syncError: null })
      if (kind === 'anthropic') {
        // The line without max_tokens went out with the connection's default.
        const sent = [...fakes.anthropic!.received.get(row.remoteId!)!]
        expect(sent.find((line) => line.custom_id === 'req-no-max')?.params.max_tokens).toBe(DEFAULT_MAX_TOKENS)
        expect(sent.find((line) => line.custom_id === 'req-0')?.params.max_tokens).toBe(64)
      }

      // The OpenAI-format output file: a chat.completion per success, joined to its input by custom_id.
      const output = jsonLines(await download(page, 'Download output file'))
      expect(output).toHaveLength(198)
      for (const line of output) {
        expect(inputs.has(line.custom_id), line.custom_id).toBe(true)
        expect(line.response?.status_code, line.custom_id).toBe(200)
        const body = line.response!.body as {
          object: string
          model: string
          choices: { message: { content: string | null; tool_calls?: { function: { name: string; arguments: string } }[] }; finish_reason: string }[]
          usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
        }
        expect(body.object).toBe('chat.completion')
        const [choice] = body.choices
        if (lineKind(line.custom_id) === 'tool') {
          expect(choice!.finish_reason, line.custom_id).toBe('tool_calls')
          expect(choice!.message.tool_calls?.map((call) => `${call.function.name}(${call.function.arguments})`)).toEqual([TOOL_CALL])
        } else {
          expect(choice!.finish_reason, line.custom_id).toBe('stop')
          expect(choice!.message.content).toBe(answer(line.custom_id))
        }
        expect(body.usage.prompt_tokens).toBeGreaterThan(0)
        expect(body.usage.completion_tokens).toBeGreaterThan(0)
        expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens)
      }
      // The error file: the errored and the expired request, each with the provider's reason.
      const errorLines = jsonLines(await download(page, 'Download errors file'))
      expect(errorLines.map((line) => line.custom_id).sort()).toEqual(['req-errored', 'req-expired'])
      expect(new Set([...output, ...errorLines].map((line) => line.custom_id))).toEqual(new Set(inputs.keys()))
      for (const line of errorLines) {
        const expected = errors[line.custom_id as keyof typeof errors]
        if ('code' in expected) expect(line).toMatchObject({ response: null, error: { code: expected.code, message: expected.message } })
        else expect(line.response).toMatchObject({ status_code: expected.status, body: { error: { type: expected.type, message: expected.message } } })
      }

      // The results page: rows joined to their inputs, the answers, a tool call, the failures with their reasons.
      await page.getByRole('link', { name: 'Results', exact: true }).click()
      await expect(page.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible()
      const statusChips = page.getByRole('group', { name: 'Filter by status' })
      for (const chip of chips) await expect(statusChips.getByRole('button', { name: chip })).toBeVisible({ timeout: 30_000 })
      const table = page.getByRole('table', { name: 'Results' })
      const tableRow = (id: string) => table.getByRole('row').filter({ has: page.getByRole('button', { name: `Open ${id}`, exact: true }) })
      for (const id of ['req-0', 'req-1', 'req-2', 'req-3', 'req-4']) {
        await expect(tableRow(id)).toContainText(lineKind(id) === 'tool' ? TOOL_CALL : answer(id))
        await expect(tableRow(id)).toContainText(lineKind(id) === 'tool' ? 'tool_calls' : 'stop')
      }
      await expect(tableRow('req-1')).toContainText('Question req-1')
      await shoot(page, `results-${kind}.png`)
      await tableRow('req-3').getByRole('button', { name: 'Open req-3' }).click()
      const drawer = page.getByRole('dialog', { name: 'req-3' })
      await expect(drawer.getByRole('heading', { name: 'Input line' })).toBeVisible()
      await expect(drawer.getByText('get_weather').first()).toBeVisible()
      await page.keyboard.press('Escape')
      await page.getByLabel('Search results').fill('req-errored')
      await expect(tableRow('req-errored')).toContainText(errors['req-errored'].message)
      await page.getByLabel('Search results').fill('')
      await expect(tableRow('req-0')).toBeVisible()

      // The CSV export: 200 rows, each custom_id once, its prompt from the input and its answer or error.
      const csv = parseCsv(await download(page, 'Export CSV'))
      const [header, ...records] = csv
      const column = (name: string) => {
        const index = header!.indexOf(name)
        expect(index, `CSV column ${name}`).toBeGreaterThanOrEqual(0)
        return index
      }
      const [customId, status, prompt, text, errorMessage] = ['custom_id', 'status', 'prompt', 'output_text', 'error_message'].map(column)
      expect(records).toHaveLength(200)
      expect(new Set(records.map((record) => record[customId!]))).toEqual(new Set(inputs.keys()))
      for (const record of records) {
        const id = record[customId!]!
        const kindOfLine = lineKind(id)
        if (kindOfLine === 'errored' || kindOfLine === 'expired') {
          expect(record[status!], id).toBe(kind === 'anthropic' && kindOfLine === 'expired' ? 'expired' : 'failed')
          expect(record[errorMessage!], id).toBe(errors[id as keyof typeof errors].message)
          continue
        }
        expect(record[status!], id).toBe('succeeded')
        expect(record[text!], id).toBe(kindOfLine === 'tool' ? TOOL_CALL : answer(id))
        if (kindOfLine !== 'image') expect(record[prompt!], id).toContain(`Question ${id}`)
      }

      // The key was really used, and no answer, page, log line, build file or data file holds it.
      expect(fake.calls.length).toBeGreaterThan(creates)
      for (const url of ['/', `/batches/${batchId}`, `/batches/${batchId}/results`, '/batches/new', '/connections', '/files', '/usage']) {
        answers.push(`${url}\n${await (await request.get(url)).text()}`)
      }
      expect(answers.filter((text) => text.includes(fake.apiKey)).map((text) => text.split('\n')[0])).toEqual([])
      expect(readFileSync(e2eServerLog, 'utf8').includes(fake.apiKey), 'the server log holds the key').toBe(false)
      expect(filesHolding(path.resolve('.next'), [fake.apiKey])).toEqual([])
      expect(filesHolding(e2eDataDir, [fake.apiKey])).toEqual([])
    } finally {
      const connection = await db.connection.findUnique({ where: { name } })
      if (connection) {
        await db.batch.deleteMany({ where: { connectionId: connection.id } })
        await db.connection.delete({ where: { id: connection.id } })
      }
    }
  })
}
