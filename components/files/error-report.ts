import type { BatchFileError } from '@/lib/jsonl'

// RFC 4180: quote every field that needs it, double the quotes inside, CRLF between records.
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** The errors of a checked file as CSV (line, code, param, message), for a spreadsheet or a ticket. */
export function errorReportCsv(errors: readonly BatchFileError[]): string {
  const rows = [['line', 'code', 'param', 'message'], ...errors.map((error) => [error.line, error.code, error.param, error.message])]
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`
}

export const errorReportName = (filename: string) => `${filename.replace(/\.jsonl$/i, '')}-errors.csv`

/** Saves text the page made as a download, without a round trip to the server. */
export const downloadText = (filename: string, text: string, type: string) => downloadBlob(filename, new Blob([text], { type }))

export function downloadBlob(filename: string, blob: Blob) {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.click()
  // Revoked on the next tick: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
