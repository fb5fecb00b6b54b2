import http from 'node:http'
import { expect, test } from './fixtures'
import { serveOnLoopback } from './loopback'

const KEY = 'sk-e2e-upstream-key-5d1c'
const HEADER_VALUE = 'e2e-project-value-93ab'
const NAME = 'e2e-ollama'

/** An OpenAI-compatible stand-in on loopback: /v1/models lists two models for the right key, 401 otherwise. */
async function startModelsStub() {
  const server = http.createServer((req, res) => {
    if (req.url !== '/v1/models') return void res.writeHead(404).end()
    if (req.headers.authorization !== `Bearer ${KEY}` || req.headers['openai-project'] !== HEADER_VALUE) {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Invalid API key.' } }))
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'llama3.1:8b' }, { id: 'qwen2.5:7b' }] }))
  })
  return serveOnLoopback(server)
}

test('an upstream is added, listed with its key hint only, tested, edited and deleted', async ({ page, db }) => {
  const stub = await startModelsStub()
  try {
    await page.goto('/connections')
    await page.getByRole('link', { name: 'Upstreams and simulator' }).click()
    await expect(page).toHaveURL('/connections/builtin')
    await expect(page.getByRole('heading', { level: 1, name: 'Built-in engine' })).toBeVisible()
    const simulator = page.getByRole('listitem', { name: 'Simulator' })
    await expect(simulator.getByText('Simulated', { exact: true })).toBeVisible()
    await expect(simulator.getByText('Now: every model goes here.')).toBeVisible()

    await page.getByRole('button', { name: 'Add upstream' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add an upstream' })
    await dialog.getByLabel('Name', { exact: true }).fill(NAME)
    await dialog.getByLabel('Base URL').fill('localhost:11434')
    await dialog.getByLabel('Base URL').blur()
    await expect(dialog.getByLabel('Base URL')).toHaveAccessibleDescription(/must be an http:\/\/ or https:\/\/ URL/)
    await dialog.getByLabel('Base URL').fill(stub.url)
    await expect(dialog.getByLabel('Base URL'))
      .toHaveAttribute('aria-invalid', /^$|false/, { timeout: 1000 })
      .catch(() => {})
    await expect(dialog.getByText(/must be an http/)).toHaveCount(0)
    await dialog.getByLabel('Models').fill('llama*, qwen*')
    await dialog.getByLabel('API key').fill(KEY)
    await dialog.getByRole('button', { name: 'Add header' }).click()
    await dialog.getByLabel('Header 1 name').fill('OpenAI-Project')
    await dialog.getByLabel('Header 1 value').fill(HEADER_VALUE)
    await dialog.getByRole('button', { name: 'Add upstream' }).click()
    await expect(dialog).toBeHidden()

    const card = page.getByRole('listitem', { name: NAME })
    await expect(card.getByText(stub.url)).toBeVisible()
    await expect(card.getByText(`•••• ${KEY.slice(-4)}`)).toBeVisible()
    await expect(card.getByText('OpenAI-Project')).toBeVisible()
    await expect(simulator.getByText('Now: only sim-* models go here.')).toBeVisible()
    const html = await page.content()
    expect(html).not.toContain(KEY)
    expect(html).not.toContain(HEADER_VALUE)

    await card.getByRole('button', { name: `Test ${NAME}` }).click()
    await expect(card.getByRole('status')).toContainText(/Answered in [\d,]+ ms with 2 models/)
    await expect(card.getByRole('status')).toContainText('llama3.1:8b, qwen2.5:7b')

    await page.getByLabel('Model', { exact: true }).fill('llama3.1:8b')
    await page.getByRole('button', { name: 'Route', exact: true }).click()
    await expect(page.getByText(/matches\s*llama\*/)).toBeVisible()

    // Editing without retyping the key or the header value keeps both: the test still passes the stub's check.
    await card.getByRole('button', { name: `Edit ${NAME}` }).click()
    const edit = page.getByRole('dialog', { name: `Edit ${NAME}` })
    await expect(edit.getByLabel('API key')).toHaveValue('')
    await expect(edit.getByLabel('Header 1 value')).toHaveValue('')
    await edit.getByLabel('Max concurrency').fill('0')
    await expect(edit.getByText('must be at least 1')).toBeVisible()
    await edit.getByLabel('Max concurrency').fill('16')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect(edit).toBeHidden()
    await expect(card.getByText('16', { exact: true })).toBeVisible()
    await card.getByRole('button', { name: `Test ${NAME}` }).click()
    await expect(card.getByRole('status')).toContainText('with 2 models')

    await card.getByRole('button', { name: `Delete ${NAME}` }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete upstream' }).click()
    await expect(card).toHaveCount(0)
    await expect(page.getByRole('heading', { name: 'No upstreams yet' })).toBeVisible()
  } finally {
    await db.upstream.deleteMany({ where: { name: NAME } })
    await stub.close()
  }
})

test('a failing upstream test shows the server’s status and message', async ({ page, db }) => {
  const stub = await startModelsStub()
  try {
    await db.upstream.create({ data: { id: 'ups_e2e_badkey', name: 'e2e-bad-key', baseUrl: stub.url, models: ['bad-*'], source: 'user' } })
    await page.goto('/connections/builtin')
    const card = page.getByRole('listitem', { name: 'e2e-bad-key' })
    await card.getByRole('button', { name: 'Test e2e-bad-key' }).click()
    await expect(card.getByRole('alert')).toContainText('401 Unauthorized: Invalid API key.')
  } finally {
    await db.upstream.deleteMany({ where: { name: 'e2e-bad-key' } })
    await stub.close()
  }
})
