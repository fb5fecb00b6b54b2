import type { Cell } from './table'

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'column'; name: string; start: number; end: number }

export type CompiledTemplate = {
  parts: TemplatePart[]
  /** Placeholder names in order of first use. */
  columns: string[]
}

// `{{ name }}`: any characters but braces inside, spaces around the name ignored. Column names come from
// spreadsheets, so they may hold spaces, dots or accents.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g

export function compileTemplate(text: string): CompiledTemplate {
  const parts: TemplatePart[] = []
  const columns: string[] = []
  let last = 0
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    const name = match[1] ?? ''
    parts.push({ kind: 'column', name, start, end: start + match[0].length })
    if (!columns.includes(name)) columns.push(name)
    last = start + match[0].length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return { parts, columns }
}

/** Placeholders that name no column, each with where it is in the template, for flagging as the user types. */
export function unknownPlaceholders(template: CompiledTemplate, columns: readonly string[]): { name: string; start: number; end: number }[] {
  const known = new Set(columns)
  return template.parts.flatMap((part) => (part.kind === 'column' && !known.has(part.name) ? [{ name: part.name, start: part.start, end: part.end }] : []))
}

/** A template bound to a table's columns, ready to render rows. Unknown placeholders render as nothing (the build refuses them first). */
export type BoundTemplate = {
  render(row: readonly Cell[]): string
  /** Columns this template reads whose value is missing or empty in the row. */
  missing(row: readonly Cell[]): string[]
  isEmpty: boolean
}

export function bindTemplate(template: CompiledTemplate, columns: readonly string[]): BoundTemplate {
  const position = new Map(columns.map((name, index) => [name, index]))
  const pieces = template.parts.map((part) => (part.kind === 'text' ? part.text : (position.get(part.name) ?? -1)))
  const used = [...new Set(pieces.filter((piece): piece is number => typeof piece === 'number' && piece >= 0))]
  return {
    isEmpty: template.parts.length === 0,
    // Plain text in, plain text out: JSON escaping happens once, when the whole request is stringified.
    render(row) {
      let out = ''
      for (const piece of pieces) out += typeof piece === 'string' ? piece : piece < 0 ? '' : (row[piece] ?? '')
      return out
    },
    missing(row) {
      const names: string[] = []
      for (const index of used) {
        const value = row[index]
        if (value === null || value === undefined || value === '') names.push(columns[index] ?? '')
      }
      return names
    },
  }
}
