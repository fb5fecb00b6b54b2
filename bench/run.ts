// `npm run bench [-- name…]`: runs every bench/*.bench.ts (or the named ones), prints a table and writes
// BENCHMARKS.md with the machine, date and commit. Figures are measured here, never asserted in tests.
import { execFileSync } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Bench, BenchRow } from './types'

const benchDir = import.meta.dirname
const only = process.argv.slice(2)

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

const verdict = (row: BenchRow) => (row.met === undefined ? '' : row.met ? 'met' : '**missed**')

async function main() {
  const files = readdirSync(benchDir)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
    .sort()
  const sections: { bench: string; rows: BenchRow[] }[] = []
  for (const file of files) {
    const bench = ((await import(path.join(benchDir, file))) as { default: Bench }).default
    console.log(`\n▶ ${bench.name}`)
    const started = performance.now()
    const rows = await bench.run()
    for (const row of rows)
      console.log(`  ${row.name}: ${row.figure}${row.comparison ? ` (${row.comparison})` : ''}${row.target ? ` target ${row.target} ${verdict(row)}` : ''}`)
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    sections.push({ bench: bench.name, rows })
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, commit ${commit()}:`,
    `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`,
    'Comparisons are measured in the same run on the same machine.',
    '',
    '| Benchmark | Figure | Compared with | Target | |',
    '|---|---|---|---|---|',
    ...sections.flatMap(({ bench, rows }) =>
      rows.map((row) => `| ${bench}: ${row.name} | ${row.figure} | ${row.comparison ?? ''} | ${row.target ?? ''} | ${verdict(row)} |`),
    ),
    '',
  ]
  const missed = sections.flatMap(({ rows }) => rows).filter((row) => row.met === false)
  if (missed.length > 0) lines.push(`Targets missed: ${missed.map((row) => row.name).join('; ')}.`, '')
  if (only.length === 0) writeFileSync(path.join(benchDir, '..', 'BENCHMARKS.md'), lines.join('\n'))
  console.log(`\n${missed.length === 0 ? 'All targets met.' : `Targets missed: ${missed.length}.`}${only.length === 0 ? ' Written to BENCHMARKS.md.' : ''}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
