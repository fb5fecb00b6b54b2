import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { e2eDataDir, e2eServerLog } from '@/playwright.config'
import { expect, test } from './fixtures'
import { filesHolding, recordResponses } from './leaks'

const CONNECTION_KEY = `sk-planted-connection-${randomBytes(12).toString('hex')}`
const UPSTREAM_KEY = `sk-planted-upstream-${randomBytes(12).toString('hex')}`
const HEADER_VALUE = `planted-header-${randomBytes(12).toString('hex')}`
const SECRETS = [CONNECTION_KEY, UPSTREAM_KEY, HEADER_VALUE]
const CONNECTION = 'e2e planted connection'
const UPSTREAM = 'e2e-planted-upstream'

/** A hostile provider: refuses every request and echoes the credentials it got back in its error message. */
async function startEchoingServer() {
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    const credentials = `${req.headers.authorization ?? ''} ${String(req.headers['x-planted'] ?? '')}`
    seen.push(credentials)
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect credentials: ${credentials}` } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const PAGES = ['/', '/batches/new', '/files', '/connections', '/connections/builtin', '/usage', '/settings']
const ROUTES = [
  '/api/connections',
  '/api/engine/upstreams',
  '/api/engine/routing?model=planted-x',
  '/api/system',
  '/api/api-keys',
  '/api/batches',
  '/api/batches/facets',
  '/api/files',
  '/api/health',
]

test('planted connection and upstream keys appear in no response, page, bundle, log line or database byte', async ({ page, request, db }) => {
  test.setTimeout(120_000)
  const provider = await startEchoingServer()
  const answers = recordResponses(page)
  try {
    await page.goto('/connections')
    await page.getByRole('button', { name: 'Add connection' }).first().click()
    const connection = page.getByRole('dialog', { name: 'Add a connection' })
    await connection.getByLabel('Name').fill(CONNECTION)
    await connection.getByLabel('Base URL').fill(provider.url)
    await connection.getByLabel('API key').fill(CONNECTION_KEY)
    await connection.getByRole('button', { name: 'Add connection' }).click()
    await expect(connection).toBeHidden()
    const connectionCard = page.getByRole('listitem', { name: CONNECTION })
    await connectionCard.getByRole('button', { name: `Test ${CONNECTION}` }).click()
    // The provider's own message is shown, with the key it echoed masked.
    await expect(connectionCard.getByRole('alert')).toContainText('401')
    await expect(connectionCard.getByRole('alert')).toContainText('redacted')

    await page.goto('/connections/builtin')
    await page.getByRole('button', { name: 'Add upstream' }).first().click()
    const upstream = page.getByRole('dialog', { name: 'Add an upstream' })
    await upstream.getByLabel('Name', { exact: true }).fill(UPSTREAM)
    await upstream.getByLabel('Base URL').fill(provider.url)
    await upstream.getByLabel('Models').fill('planted-*')
    await upstream.getByLabel('API key').fill(UPSTREAM_KEY)
    await upstream.getByRole('button', { name: 'Add header' }).click()
    await upstream.getByLabel('Header 1 name').fill('X-Planted')
    await upstream.getByLabel('Header 1 value').fill(HEADER_VALUE)
    await upstream.getByRole('button', { name: 'Add upstream' }).click()
    await expect(upstream).toBeHidden()
    const upstreamCard = page.getByRole('listitem', { name: UPSTREAM })
    await upstreamCard.getByRole('button', { name: `Test ${UPSTREAM}` }).click()
    await expect(upstreamCard.getByRole('alert')).toContainText('401')
    await expect(upstreamCard.getByRole('alert')).toContainText('redacted')

    // The keys really were used: the provider received every one of them.
    expect(provider.seen.join('\n')).toContain(CONNECTION_KEY)
    expect(provider.seen.join('\n')).toContain(UPSTREAM_KEY)
    expect(provider.seen.join('\n')).toContain(HEADER_VALUE)

    const pages: string[] = []
    for (const pathname of PAGES) {
      await page.goto(pathname)
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
      pages.push(await page.content())
    }
    for (const route of ROUTES) {
      const response = await request.get(route)
      expect(response.status(), route).toBe(200)
      answers.push(`${route}\n${await response.text()}`)
    }
    for (const secret of SECRETS) {
      expect(pages.filter((html) => html.includes(secret))).toEqual([])
      expect(answers.filter((text) => text.includes(secret)).map((text) => text.split('\n')[0])).toEqual([])
    }

    // Nothing built or cached by Next holds them (a page rendered once and written to disk would).
    expect(filesHolding(path.resolve('.next'), SECRETS)).toEqual([])
    // Everything the server printed since it started.
    const log = readFileSync(e2eServerLog, 'utf8')
    expect(log.length).toBeGreaterThan(0)
    for (const secret of SECRETS) expect(log.includes(secret), 'the server log holds a planted secret').toBe(false)
    // Encrypted at rest: not in the database file, its WAL, or anything else in the data dir.
    expect(filesHolding(e2eDataDir, SECRETS)).toEqual([])
    expect((await db.connection.findFirstOrThrow({ where: { name: CONNECTION } })).apiKeyEncrypted).toMatch(/^v1\./)
  } finally {
    await db.connection.deleteMany({ where: { name: CONNECTION } })
    await db.upstream.deleteMany({ where: { name: UPSTREAM } })
    await provider.close()
  }
})
