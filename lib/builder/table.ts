import Papa from 'papaparse'

// A cell is text, or null when the row has no value there (a short CSV row, a record without the key, a
// JSON null). Templates render both null and '' as nothing; the build counts them as missing.
export type Cell = string | null

export type Table = {
  columns: string[]
  rows: Cell[][]
}

export type TableFormat = 'csv' | 'tsv' | 'jsonl'

export class TableError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(message)
  }
}

/** Which parser a file needs, from its name: .tsv is tab-separated, .jsonl / .ndjson records, the rest CSV (delimiter sniffed). */
export function tableFormatFor(filename: string): TableFormat {
  const name = filename.toLowerCase()
  if (name.endsWith('.tsv')) return 'tsv'
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl'
  return 'csv'
}

/**
 * Collects a delimited table row by row: the first row is the header. Blank header cells become
 * `column_N` and repeated names get a `_2`, `_3` suffix, so every column can be named in a template.
 */
export class TableCollector {
  private columns: string[] | null = null
  readonly rows: Cell[][] = []
  /** Data rows with more cells than the header; the extra cells are dropped. */
  longRows = 0
  private lineNumber = 0

  addRow(cells: readonly unknown[]): void {
    this.lineNumber++
    if (this.columns === null) {
      this.columns = headerNames(cells.map((cell) => String(cell ?? '')))
      return
    }
    const width = this.columns.length
    if (cells.length > width) this.longRows++
    const row: Cell[] = new Array<Cell>(width)
    for (let i = 0; i < width; i++) {
      const cell = cells[i]
      row[i] = cell === undefined || cell === null ? null : String(cell)
    }
    this.rows.push(row)
  }

  finish(): Table {
    if (this.columns === null || this.columns.length === 0) {
      throw new TableError('The file is empty. It needs a header row naming the columns, then one row per request.')
    }
    if (this.rows.length === 0) throw new TableError('The file has a header row but no data rows. Add one row per request.')
    return { columns: this.columns, rows: this.rows }
  }
}

function headerNames(raw: string[]): string[] {
  const seen = new Map<string, number>()
  return raw.map((value, index) => {
    // Excel writes a byte order mark before the first header.
    const base = (index === 0 ? value.replace(/^\uFEFF/, '') : value).trim() || `column_${index + 1}`
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    return count === 1 ? base : `${base}_${count}`
  })
}

/** Papaparse settings shared by the browser's streamed parse of a File and the string parse here. */
export function papaConfig(format: Exclude<TableFormat, 'jsonl'>) {
  // '' lets papaparse guess among , ; | and tab from the first rows.
  return { delimiter: format === 'tsv' ? '\t' : '', skipEmptyLines: 'greedy' as const, header: false as const }
}

/** Parses CSV or TSV text held in memory (tests, small inputs). The browser streams files through the same collector. */
export function parseDelimitedText(text: string, format: Exclude<TableFormat, 'jsonl'> = 'csv'): { table: Table; longRows: number } {
  const collector = new TableCollector()
  const result = Papa.parse<unknown[]>(text, papaConfig(format))
  const fatal = result.errors.find((error) => error.type === 'Quotes')
  if (fatal)
    throw new TableError(`Row ${(fatal.row ?? 0) + 1} has a quote that is never closed. Check the quotes around that row's values.`, (fatal.row ?? 0) + 1)
  for (const row of result.data) collector.addRow(row)
  return { table: collector.finish(), longRows: collector.longRows }
}

/**
 * Collects JSON records, one object per line. Columns are the keys in the order first seen; numbers and
 * booleans become their JSON text, nested values their JSON, null stays missing.
 */
export class RecordCollector {
  private readonly index = new Map<string, number>()
  private readonly columns: string[] = []
  private readonly records: Cell[][] = []
  private lineNumber = 0

  addLine(text: string): void {
    this.lineNumber++
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new TableError(`Line ${this.lineNumber} is not valid JSON. Each line must be one JSON object, such as {"review": "Great"}.`, this.lineNumber)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TableError(`Line ${this.lineNumber} is not a JSON object. Each line must be one object whose keys are the columns.`, this.lineNumber)
    }
    const row: Cell[] = []
    for (const [key, cell] of Object.entries(value)) {
      let at = this.index.get(key)
      if (at === undefined) {
        at = this.columns.length
        this.index.set(key, at)
        this.columns.push(key)
      }
      row[at] = cellOf(cell)
    }
    this.records.push(row)
  }

  finish(): Table {
    if (this.records.length === 0) throw new TableError('The file has no records. Put one JSON object on each line.')
    const width = this.columns.length
    const rows = this.records.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? null))
    return { columns: [...this.columns], rows }
  }
}

function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

export function parseRecordsText(text: string): Table {
  const collector = new RecordCollector()
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) collector.addLine(line)
  return collector.finish()
}
