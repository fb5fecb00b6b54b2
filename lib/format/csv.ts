// A spreadsheet runs a cell starting with one of these as a formula; a model's answer is untrusted text (a prompt can
// make it write =HYPERLINK(…)), so exported answer and error cells get a leading apostrophe. The user's own data is
// written as they gave it.
const FORMULA_START = /^[=+\-@\t\r]/

export const inertFormula = (value: string | null) => (value !== null && FORMULA_START.test(value) ? `'${value}` : value)

/** One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break; objects as JSON. */
export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
