// `npm test`: every check the project has, in one command, ending with one line CI reads:
// "N passed, N failed" across lint, typecheck, unit + integration tests (integration on SQLite, then on PostgreSQL),
// the production build and e2e.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ensureBuild } from './build'
import { findPostgresBin } from './postgres-cluster'
import { bin, log, run } from './run'

type SuiteResult = { name: string; passed: number; failed: number; skipped: number; note?: string; failures?: string[]; retried?: string[] }

const workDir = mkdtempSync(path.join(os.tmpdir(), 'batchboard-test-run-'))
const testEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' }

const single = (name: string, ok: boolean, note?: string): SuiteResult => ({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, note })

const readJson = <T>(file: string): T | undefined => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined)

type VitestReport = {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[]
}

const withoutColours = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '')
/** The first line of a failure, so the summary (all CI keeps of a long run) says what failed and why. */
const firstLine = (message = '') => (message.split('\n', 1)[0] ?? '').slice(0, 300)

/** Every failed test as "file › test: first line of its error", and every file that failed outside its tests. */
function vitestFailures(json: VitestReport): string[] {
  return json.testResults.flatMap((file) => {
    const where = path.relative(process.cwd(), file.name)
    const tests = file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => `${where} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`)
    return tests.length === 0 && file.status === 'failed' ? [`${where}: ${firstLine(file.message)}`] : tests
  })
}

/** Tests that failed once and passed on their retry (vitest keeps the first try's error): flaky, so named in the summary. */
const vitestRetried = (json: VitestReport): string[] =>
  json.testResults.flatMap((file) =>
    file.assertionResults
      .filter((test) => test.status === 'passed' && (test.failureMessages?.length ?? 0) > 0)
      .map((test) => `${path.relative(process.cwd(), file.name)} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`),
  )

async function vitest(name: string, args: string[], env: NodeJS.ProcessEnv = testEnv): Promise<SuiteResult> {
  const report = path.join(workDir, `vitest-${name.replace(/\W+/g, '-')}.json`)
  const code = await run(bin('vitest'), ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { env })
  const json = readJson<VitestReport>(report)
  if (!json) return single(name, false, `vitest exited ${code} without a report`)
  // A crash outside any test (a file that fails to import) fails no test but must still fail the run.
  const failed = json.numFailedTests || (code === 0 ? 0 : 1)
  return {
    name,
    passed: json.numPassedTests,
    failed,
    skipped: json.numPendingTests + json.numTodoTests,
    failures: vitestFailures(json),
    retried: vitestRetried(json),
  }
}

/**
 * The integration suite once more, on PostgreSQL: a throwaway cluster of Debian's PostgreSQL 15 (installed with apt
 * when missing and we are root), started and removed by tests/support/global-setup.ts.
 */
async function integrationOnPostgres(): Promise<SuiteResult> {
  const name = 'integration (PostgreSQL)'
  try {
    findPostgresBin()
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    return single(name, false, 'PostgreSQL is not installed')
  }
  return vitest(name, ['--project', 'integration'], { ...testEnv, BATCHBOARD_TEST_DB: 'postgres' })
}

function chromiumPath(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  return existsSync(candidate) ? candidate : undefined
}

/** The e2e tests drive Debian's Chromium; install it when we may (root), else say exactly what to run. */
async function ensureChromium(): Promise<boolean> {
  if (chromiumPath()) return true
  if (process.getuid?.() === 0) {
    log("Chromium is missing; installing Debian's chromium package with apt-get…")
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    if ((await run('apt-get', ['update', '-qq'], { env: aptEnv })) === 0) await run('apt-get', ['install', '-y', '-qq', 'chromium'], { env: aptEnv })
    return chromiumPath() !== undefined
  }
  console.error('\nThe e2e tests need Chromium. Install it with:\n\n    sudo apt-get install -y chromium\n\nor point CHROMIUM_PATH at a Chromium binary.\n')
  return false
}

type PlaywrightSpec = { title: string; file: string; tests: { status: string; results: { error?: { message?: string } }[] }[] }
type PlaywrightSuite = { suites?: PlaywrightSuite[]; specs?: PlaywrightSpec[] }
type PlaywrightStats = { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; suites: PlaywrightSuite[] }

function playwrightFailures(suites: PlaywrightSuite[] = []): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((test) => test.status === 'unexpected')
        .map((test) => `${spec.file} › ${spec.title}: ${firstLine(test.results.at(-1)?.error?.message)}`),
    ),
    ...playwrightFailures(suite.suites),
  ])
}

async function playwright(): Promise<SuiteResult> {
  if (!(await ensureChromium())) return single('e2e', false, 'Chromium is not installed')
  const report = path.join(workDir, 'playwright.json')
  const code = await run(bin('playwright'), ['test', '--reporter=list,json'], { env: { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: report } })
  const json = readJson<PlaywrightStats>(report)
  if (!json) return single('e2e', false, `playwright exited ${code} without a report`)
  const { expected, unexpected, flaky, skipped } = json.stats
  return { name: 'e2e', passed: expected + flaky, failed: unexpected || (code === 0 ? 0 : 1), skipped, failures: playwrightFailures(json.suites) }
}

async function main() {
  const results: SuiteResult[] = []
  log('Lint')
  results.push(single('lint', (await run(bin('eslint'), ['--max-warnings=0', '.'], { env: testEnv })) === 0))
  log('Formatting (npm run format fixes it)')
  results.push(single('format', (await run(bin('prettier'), ['--check', '--log-level=warn', '.'], { env: testEnv })) === 0))
  log('Typecheck')
  results.push(single('typecheck', (await run(bin('tsc'), ['--noEmit'], { env: testEnv })) === 0))
  log('Unit and integration tests (SQLite)')
  results.push(await vitest('unit + integration', [], { ...testEnv, BATCHBOARD_TEST_DB: 'sqlite' }))
  log('Integration tests on PostgreSQL')
  results.push(await integrationOnPostgres())
  log('Production build')
  const built = await ensureBuild()
  results.push(single('build', built))
  log('End-to-end tests in Chromium')
  results.push(built ? await playwright() : single('e2e', false, 'not run: the build failed'))
  rmSync(workDir, { recursive: true, force: true })

  const total = results.reduce(
    (sum, suite) => ({ passed: sum.passed + suite.passed, failed: sum.failed + suite.failed, skipped: sum.skipped + suite.skipped }),
    {
      passed: 0,
      failed: 0,
      skipped: 0,
    },
  )
  console.log('\nSummary')
  for (const suite of results) {
    const skipped = suite.skipped ? `, ${suite.skipped} skipped` : ''
    console.log(
      `  ${suite.failed ? '✗' : '✓'} ${suite.name.padEnd(20)} ${suite.passed} passed, ${suite.failed} failed${skipped}${suite.note ? ` (${suite.note})` : ''}`,
    )
    for (const failure of suite.failures ?? []) console.log(`      ✗ ${withoutColours(failure)}`)
    for (const retried of suite.retried ?? []) console.log(`      ↻ passed on its retry, after: ${withoutColours(retried)}`)
  }
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`)
  process.exit(total.failed > 0 ? 1 : 0)
}

main().catch((error: unknown) => {
  console.error(error)
  console.log('0 passed, 1 failed')
  process.exit(1)
})
