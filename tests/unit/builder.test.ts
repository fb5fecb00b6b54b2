import { describe, expect, it } from 'vitest'
import { buildBatchFile, compileTemplate, parseDelimitedText, parseRecordsText, partText, unknownPlaceholders, type Table } from '@/lib/builder'
import { validateBatchFile } from '@/lib/jsonl'
import { DEFAULT_BUILD_CONFIG, type BuildConfig } from '@/lib/validations/builder'

const chat = (overrides: Partial<BuildConfig> = {}): BuildConfig => ({
  ...DEFAULT_BUILD_CONFIG,
  model: 'gpt-4o-mini',
  userPrompt: 'Classify: {{review}}',
  ...overrides,
})

const table = (columns: string[], rows: (string | null)[][]): Table => ({ columns, rows })

type Line = { custom_id: string; method: string; url: string; body: Record<string, unknown> }
const linesOf = (text: string): Line[] =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Line)

async function validate(text: string) {
  return validateBatchFile(new Blob([text]).stream(), { tokenEstimate: 'off' })
}

describe('tables', () => {
  it('reads CSV with quoted commas, newlines and quotes; the first row names the columns', () => {
    const { table } = parseDelimitedText('id,review\n1,"Good, really"\n2,"two\nlines"\n3,"she said ""hi"""\n')
    expect(table.columns).toEqual(['id', 'review'])
    expect(table.rows).toEqual([
      ['1', 'Good, really'],
      ['2', 'two\nlines'],
      ['3', 'she said "hi"'],
    ])
  })

  it('reads TSV, names blank and repeated headers, strips a byte order mark, and marks short rows as missing', () => {
    const { table, longRows } = parseDelimitedText('\uFEFFname\t\tname\nAda\tx\n', 'tsv')
    expect(table.columns).toEqual(['name', 'column_2', 'name_2'])
    expect(table.rows).toEqual([['Ada', 'x', null]])
    expect(longRows).toBe(0)
  })

  it('refuses a file with a header and no rows, saying what to add', () => {
    expect(() => parseDelimitedText('id,review\n')).toThrow(/no data rows/)
  })

  it('reads JSONL records: keys in order first seen, numbers as text, null as missing', () => {
    const records = parseRecordsText('{"id": 1, "text": "a"}\n\n{"text": "b", "tags": ["x"], "id": null, "ok": true}\n')
    expect(records.columns).toEqual(['id', 'text', 'tags', 'ok'])
    expect(records.rows).toEqual([
      ['1', 'a', null, null],
      [null, 'b', '["x"]', 'true'],
    ])
    expect(() => parseRecordsText('{"a":1}\n[1]\n')).toThrow(/Line 2 is not a JSON object/)
  })
})

describe('the template engine', () => {
  it('finds placeholders with spaces around names and flags unknown ones with their position', () => {
    const template = compileTemplate('Hi {{ name }}, about {{product name}} and {{nope}}')
    expect(template.columns).toEqual(['name', 'product name', 'nope'])
    expect(unknownPlaceholders(template, ['name', 'product name'])).toEqual([{ name: 'nope', start: 42, end: 50 }])
  })

  it('escapes quotes, backslashes, newlines and control characters by building JSON, never by pasting text', async () => {
    const nasty = 'He said "hi" \\ then\nleft\t\u0001 {"x": 1}'
    const { parts } = buildBatchFile(table(['review'], [[nasty]]), chat())
    const text = partText(parts[0]!)
    expect(text.split('\n')).toHaveLength(2)
    const [line] = linesOf(text)
    expect(line!.body.messages).toEqual([{ role: 'user', content: `Classify: ${nasty}` }])
    expect((await validate(text)).ok).toBe(true)
  })

  it('keeps unicode (accents, CJK, emoji, right-to-left) exactly', () => {
    const values = ['Crème brûlée', '日本語のレビュー', 'great 👍🏽', 'مرحبا']
    const { parts } = buildBatchFile(
      table(
        ['review'],
        values.map((value) => [value]),
      ),
      chat({ userPrompt: '{{review}}' }),
    )
    expect(linesOf(partText(parts[0]!)).map((line) => (line.body.messages as { content: string }[])[0]!.content)).toEqual(values)
    expect(parts[0]!.bytes).toBe(new TextEncoder().encode(partText(parts[0]!)).length)
  })

  it('puts numbers in as the table wrote them, and parameters as JSON numbers', () => {
    const { parts } = buildBatchFile(table(['price'], [['0012.50'], ['1e3']]), chat({ userPrompt: 'Price {{price}}', temperature: 0.2, maxTokens: 50 }))
    const lines = linesOf(partText(parts[0]!))
    expect((lines[0]!.body.messages as { content: string }[])[0]!.content).toBe('Price 0012.50')
    expect((lines[1]!.body.messages as { content: string }[])[0]!.content).toBe('Price 1e3')
    expect(lines[0]!.body.temperature).toBe(0.2)
    expect(lines[0]!.body.max_completion_tokens).toBe(50)
  })

  it('renders a missing or empty value as nothing and warns with the row and column', () => {
    const result = buildBatchFile(
      table(
        ['review', 'lang'],
        [
          ['ok', 'en'],
          ['fine', null],
          ['good', ''],
        ],
      ),
      chat({ userPrompt: '{{review}} ({{lang}})' }),
    )
    expect(result.issues.errorCount).toBe(0)
    expect(result.issues.warningCount).toBe(2)
    expect(result.issues.listed.map((issue) => issue.message)).toEqual(['Row 2 has no value for “lang”.', 'Row 3 has no value for “lang”.'])
    expect((linesOf(partText(result.parts[0]!))[1]!.body.messages as { content: string }[])[0]!.content).toBe('fine ()')
  })

  it('refuses to build while a placeholder names no column', () => {
    const result = buildBatchFile(table(['review'], [['x']]), chat({ userPrompt: '{{reveiw}}', systemPrompt: 'Be {{tone}}' }))
    expect(result.parts).toEqual([])
    expect(result.problems.map((problem) => problem.code)).toEqual(['unknown_column', 'unknown_column'])
    expect(result.problems[0]!.message).toMatch(/system prompt uses \{\{tone\}\}/)
  })
})

describe('custom_id', () => {
  it('numbers the rows by default', () => {
    const { parts } = buildBatchFile(table(['review'], [['a'], ['b']]), chat())
    expect(parts[0]!.customIds).toEqual(['row-1', 'row-2'])
  })

  it('takes a column, and refuses duplicates and empty values naming both rows', async () => {
    const good = buildBatchFile(
      table(
        ['sku', 'review'],
        [
          ['A-1', 'x'],
          ['B-2', 'y'],
        ],
      ),
      chat({ customIdColumn: 'sku' }),
    )
    expect(good.parts[0]!.customIds).toEqual(['A-1', 'B-2'])
    expect((await validate(partText(good.parts[0]!))).ok).toBe(true)

    const bad = buildBatchFile(
      table(
        ['sku', 'review'],
        [
          ['A-1', 'x'],
          ['A-1', 'y'],
          ['', 'z'],
        ],
      ),
      chat({ customIdColumn: 'sku' }),
    )
    expect(bad.parts).toEqual([])
    expect(bad.issues.listed.map((issue) => [issue.code, issue.row])).toEqual([
      ['duplicate_custom_id', 2],
      ['empty_custom_id', 3],
    ])
    expect(bad.issues.listed[0]!.message).toMatch(/custom_id “A-1” of row 1/)
  })
})

describe('image columns', () => {
  const png = 'data:image/png;base64,iVBORw0KGgo='
  const rows = [
    ['https://example.com/a.jpg', 'red shoe'],
    [png, 'blue hat'],
  ]

  it('turns URLs and data URLs into image parts for chat, responses and moderations', async () => {
    const source = table(['image', 'name'], rows)
    const chatFile = partText(buildBatchFile(source, chat({ userPrompt: 'Caption {{name}}', imageColumn: 'image' })).parts[0]!)
    expect(linesOf(chatFile)[1]!.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Caption blue hat' },
          { type: 'image_url', image_url: { url: png } },
        ],
      },
    ])
    const report = await validateBatchFile(new Blob([chatFile]).stream())
    expect(report.ok).toBe(true)
    expect(report.facts.imageInputCount).toBe(2)

    const responses = partText(buildBatchFile(source, chat({ endpoint: '/v1/responses', userPrompt: 'Caption {{name}}', imageColumn: 'image' })).parts[0]!)
    expect(linesOf(responses)[0]!.body.input).toEqual([
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Caption red shoe' },
          { type: 'input_image', image_url: 'https://example.com/a.jpg' },
        ],
      },
    ])
    const moderation = partText(
      buildBatchFile(source, chat({ endpoint: '/v1/moderations', model: 'omni-moderation-latest', userPrompt: '{{name}}', imageColumn: 'image' })).parts[0]!,
    )
    expect(linesOf(moderation)[0]!.body.input).toEqual([
      { type: 'text', text: 'red shoe' },
      { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
    ])
    expect((await validate(moderation)).ok).toBe(true)
  })

  it('builds image generations from the prompt, and image edits with the row’s image, both accepted by the validator', async () => {
    const source = table(['image', 'name'], [...rows, ['', 'green scarf']])
    const generations = partText(
      buildBatchFile(source, chat({ endpoint: '/v1/images/generations', model: 'gpt-image-1', userPrompt: 'A photo of a {{name}}' })).parts[0]!,
    )
    expect(linesOf(generations).map((line) => line.body)).toEqual([
      { model: 'gpt-image-1', prompt: 'A photo of a red shoe' },
      { model: 'gpt-image-1', prompt: 'A photo of a blue hat' },
      { model: 'gpt-image-1', prompt: 'A photo of a green scarf' },
    ])
    expect((await validate(generations)).ok).toBe(true)

    const edits = buildBatchFile(
      source,
      chat({ endpoint: '/v1/images/edits', model: 'gpt-image-1', userPrompt: 'Make the {{name}} gold', imageColumn: 'image' }),
    )
    // A row without an image has nothing to edit.
    expect(edits.issues.listed.filter((issue) => issue.severity === 'error').map((issue) => [issue.code, issue.row])).toEqual([['invalid_image', 3]])
    const noColumn = buildBatchFile(source, chat({ endpoint: '/v1/images/edits', model: 'gpt-image-1', userPrompt: 'Make it gold', imageColumn: null }))
    expect(noColumn.problems.map((problem) => problem.message)).toEqual([expect.stringContaining('Choose the image column')])
    const twoRows = partText(
      buildBatchFile(
        table(['image', 'name'], rows),
        chat({ endpoint: '/v1/images/edits', model: 'gpt-image-1', userPrompt: 'Make the {{name}} gold', imageColumn: 'image' }),
      ).parts[0]!,
    )
    expect(linesOf(twoRows)[1]!.body).toEqual({ model: 'gpt-image-1', prompt: 'Make the blue hat gold', images: [{ image_url: png }] })
    expect((await validate(twoRows)).ok).toBe(true)
  })

  it('refuses a value that is not an image URL, and sends text only when the cell is empty', () => {
    const result = buildBatchFile(
      table(
        ['image', 'name'],
        [
          ['C:\\photos\\a.jpg', 'x'],
          ['', 'y'],
        ],
      ),
      chat({ userPrompt: '{{name}}', imageColumn: 'image' }),
    )
    expect(result.issues.listed.map((issue) => [issue.severity, issue.code, issue.row])).toEqual([
      ['error', 'invalid_image', 1],
      ['warning', 'missing_value', 2],
    ])
  })
})

describe('every endpoint', () => {
  const source = table(['text'], [['hello'], ['world']])
  const schema = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'], additionalProperties: false }
  const format = { type: 'json_schema', name: 'answer', schema, strict: true }
  const cases: [BuildConfig['endpoint'], string, Record<string, unknown>][] = [
    [
      '/v1/chat/completions',
      'gpt-4o-mini',
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
        temperature: 0,
        max_completion_tokens: 20,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
      },
    ],
    ['/v1/responses', 'gpt-4.1-mini', { input: 'Say hello', instructions: 'Be brief.', temperature: 0, max_output_tokens: 20, text: { format } }],
    ['/v1/completions', 'gpt-3.5-turbo-instruct', { prompt: 'Be brief.\n\nSay hello', temperature: 0, max_tokens: 20 }],
    ['/v1/embeddings', 'text-embedding-3-small', { input: 'Say hello' }],
    ['/v1/moderations', 'omni-moderation-latest', { input: 'Say hello' }],
  ]

  it.each(cases)('%s: the body it needs, and the validator passes it', async (endpoint, model, body) => {
    const result = buildBatchFile(source, {
      ...DEFAULT_BUILD_CONFIG,
      endpoint,
      model,
      systemPrompt: 'Be brief.',
      userPrompt: 'Say {{text}}',
      temperature: 0,
      maxTokens: 20,
      jsonSchema: JSON.stringify(schema),
    })
    const text = partText(result.parts[0]!)
    const report = await validate(text)
    expect(report.errors).toEqual([])
    expect(report.facts).toMatchObject({ endpoint, model, requestCount: 2 })
    expect(linesOf(text)[0]).toEqual({ custom_id: 'row-1', method: 'POST', url: endpoint, body: { model, ...body } })
  })

  it('asks for structured output with the schema, and remembers its top-level fields for the export', () => {
    const schema = '{"type":"object","properties":{"sentiment":{"type":"string"},"score":{"type":"number"}}}'
    const result = buildBatchFile(source, chat({ userPrompt: '{{text}}', jsonSchema: schema }))
    expect(result.answerFields).toEqual(['sentiment', 'score'])
    expect(linesOf(partText(result.parts[0]!))[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: JSON.parse(schema), strict: true },
    })
    expect(buildBatchFile(source, chat({ userPrompt: '{{text}}', jsonSchema: '{"type": object}' })).problems[0]!.code).toBe('invalid_json_schema')
  })
})

describe('splitting', () => {
  const rows = Array.from({ length: 25 }, (_, index) => [`review ${index + 1}`])

  it('cuts at the request limit into -part-N files of consecutive rows, each valid on its own', async () => {
    const { parts } = buildBatchFile(table(['review'], rows), chat(), { filename: 'reviews.csv', limits: { maxRequests: 10, maxBytes: 1e9 } })
    expect(parts.map((part) => [part.name, part.lines.length, part.firstRow])).toEqual([
      ['reviews-part-1.jsonl', 10, 0],
      ['reviews-part-2.jsonl', 10, 10],
      ['reviews-part-3.jsonl', 5, 20],
    ])
    for (const part of parts) expect((await validate(partText(part))).ok).toBe(true)
  })

  it('cuts before a line would pass the byte limit, and names a single file without a part number', () => {
    const one = buildBatchFile(table(['review'], rows), chat(), { filename: 'reviews.csv' })
    expect(one.parts.map((part) => part.name)).toEqual(['reviews.jsonl'])
    const lineBytes = one.parts[0]!.lines[0]!.length + 1
    const { parts } = buildBatchFile(table(['review'], rows), chat(), { filename: 'reviews.csv', limits: { maxRequests: 1000, maxBytes: lineBytes * 4 + 3 } })
    expect(parts.every((part) => part.bytes <= lineBytes * 4 + 3)).toBe(true)
    expect(parts.reduce((sum, part) => sum + part.lines.length, 0)).toBe(25)
    expect(parts.length).toBeGreaterThan(6)
  })
})
