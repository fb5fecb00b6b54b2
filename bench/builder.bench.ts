// The batch builder (lib/builder) on the largest table one batch takes: 50,000 rows of product reviews, parsed
// from CSV, built into chat requests and checked by the validator, as the page's worker does. Compared with a
// bare JSON.stringify of the same request objects, the floor of any builder. No target in the issue: the page
// stays responsive because this runs in a worker; the figures say how long a user waits for the whole report.
import { buildBatchFile, parseDelimitedText, partText } from '@/lib/builder'
import { validateBatchFile } from '@/lib/jsonl'
import { DEFAULT_BUILD_CONFIG } from '@/lib/validations/builder'
import type { Bench, BenchRow } from './types'

const ROWS = 50_000
const RUNS = 3

function tableCsv(): string {
  const lines = ['id,product,review,lang']
  for (let i = 0; i < ROWS; i++) {
    lines.push(
      `sku-${i},"Product ${i}, size ${i % 7}","I bought this ${i % 3 === 0 ? 'last week' : 'a month ago'} and it is ""fine"" — ${'quite good overall. '.repeat(1 + (i % 5))}",${i % 2 ? 'en' : 'de'}`,
    )
  }
  return `${lines.join('\n')}\n`
}

const best = (values: number[]) => Math.min(...values)
const ms = (value: number) => `${value.toLocaleString('en-US', { maximumFractionDigits: 0 })} ms`

async function run(): Promise<BenchRow[]> {
  const csv = tableCsv()
  const config = {
    ...DEFAULT_BUILD_CONFIG,
    model: 'gpt-4o-mini',
    systemPrompt: 'You classify product reviews.',
    userPrompt: 'Product: {{product}}\nReview ({{lang}}): {{review}}',
    customIdColumn: 'id',
    maxTokens: 50,
  }
  const parse: number[] = []
  const build: number[] = []
  const validate: number[] = []
  const floor: number[] = []
  let bytes = 0
  for (let round = 0; round < RUNS; round++) {
    let started = performance.now()
    const { table } = parseDelimitedText(csv)
    parse.push(performance.now() - started)

    started = performance.now()
    const result = buildBatchFile(table, config, { filename: 'reviews.csv' })
    build.push(performance.now() - started)
    const [part] = result.parts
    if (!part || part.lines.length !== ROWS) throw new Error(`expected one part of ${ROWS} lines`)
    bytes = part.bytes

    const text = partText(part)
    started = performance.now()
    const report = await validateBatchFile(new Blob([text]).stream())
    validate.push(performance.now() - started)
    if (!report.ok) throw new Error(`the built file did not validate: ${report.errors[0]?.message}`)

    started = performance.now()
    for (const row of table.rows) {
      JSON.stringify({
        custom_id: row[0],
        method: 'POST',
        url: '/v1/chat/completions',
        body: {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'You classify product reviews.' },
            { role: 'user', content: `Product: ${row[1]}\nReview (${row[3]}): ${row[2]}` },
          ],
          max_completion_tokens: 50,
        },
      })
    }
    floor.push(performance.now() - started)
    console.log(
      `  round ${round + 1}: parse ${ms(parse.at(-1)!)}, build ${ms(build.at(-1)!)}, validate ${ms(validate.at(-1)!)}, bare stringify ${ms(floor.at(-1)!)}`,
    )
  }
  const mb = (bytes / 1e6).toFixed(0)
  return [
    {
      name: `parse a ${ROWS.toLocaleString('en-US')}-row CSV (${(csv.length / 1e6).toFixed(0)} MB) with papaparse`,
      figure: ms(best(parse)),
      comparison: `best of ${RUNS}`,
    },
    {
      name: `build ${ROWS.toLocaleString('en-US')} chat requests (${mb} MB)`,
      figure: ms(best(build)),
      comparison: `bare JSON.stringify of the same objects: ${ms(best(floor))} (${(best(build) / best(floor)).toFixed(1)}×)`,
    },
    {
      name: `validate the built file (the report on the page)`,
      figure: ms(best(validate)),
      comparison: 'lib/jsonl validator, sampled token estimate, tokenizer loaded after the first run',
    },
  ]
}

const bench: Bench = { name: 'builder', run }
export default bench
