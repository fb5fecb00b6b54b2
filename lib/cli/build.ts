import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { bin, log, projectRoot, run } from './run'

const SOURCE_DIRS = ['app', 'components', 'lib', 'public']
const SOURCE_FILES = ['next.config.mjs', 'proxy.ts', 'instrumentation.ts', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json', 'prisma/schema.prisma']
const SKIP = new Set(['node_modules', 'generated', 'cli'])
const stampPath = path.join(projectRoot, '.next', 'batchboard-source.sha256')

function* sourceFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(full)
    else yield full
  }
}

/** A hash of everything that goes into `next build`, so `npm start` rebuilds exactly when the source changed. */
export function sourceFingerprint(): string {
  const hash = createHash('sha256')
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => [...sourceFiles(path.join(projectRoot, dir))]),
    ...SOURCE_FILES.map((file) => path.join(projectRoot, file)).filter((file) => existsSync(file)),
  ]
  for (const file of files) {
    hash.update(path.relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex')
}

export function isBuildCurrent(fingerprint = sourceFingerprint()): boolean {
  if (!existsSync(path.join(projectRoot, '.next', 'BUILD_ID')) || !existsSync(stampPath)) return false
  return readFileSync(stampPath, 'utf8').trim() === fingerprint
}

/** Runs `next build` unless the last build was made from the same source. Returns false if the build failed. */
export async function ensureBuild(): Promise<boolean> {
  const fingerprint = sourceFingerprint()
  if (isBuildCurrent(fingerprint)) {
    log('Build is current.')
    return true
  }
  log('Building the app (first start or changed source; takes about a minute)…')
  const code = await run(bin('next'), ['build'], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })
  if (code !== 0) return false
  writeFileSync(stampPath, `${fingerprint}\n`)
  return true
}
