import { detectUtf16, utf16ConvertCommand } from '@/lib/jsonl'

/** Something about a file that makes reading it line by line pointless; said before the validator runs. */
export type FileProblem = { title: string; message: string }

/** How much of the start of a file is read to recognise binary, UTF-16 or blank files. */
export const SNIFF_BYTES = 8192

const COMPRESSED_EXTENSIONS = ['.gz', '.zip', '.bz2', '.xz', '.zst', '.7z', '.tar', '.tgz']

const SIGNATURES: { bytes: number[]; kind: string; compressed?: boolean }[] = [
  // .xlsx and .docx are ZIP archives too, so the message names them.
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: 'a ZIP archive (or an Excel or Word file)', compressed: true },
  { bytes: [0x1f, 0x8b], kind: 'a gzip-compressed file', compressed: true },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], kind: 'a zstd-compressed file', compressed: true },
  { bytes: [0x42, 0x5a, 0x68], kind: 'a bzip2-compressed file', compressed: true },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], kind: 'an xz-compressed file', compressed: true },
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'a GIF image' },
  { bytes: [0x50, 0x41, 0x52, 0x31], kind: 'a Parquet file' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], kind: 'an older Excel or Word file' },
  { bytes: [...'SQLite format 3'].map((char) => char.charCodeAt(0)), kind: 'an SQLite database' },
]

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot).toLowerCase() : ''
}

const startsWith = (head: Uint8Array, bytes: number[]) => bytes.length <= head.length && bytes.every((byte, index) => head[index] === byte)

const isJsonWhitespace = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d

/**
 * Checks the name, size and first bytes of a file. Returns what is wrong and what to do about it, or null
 * when the file should be read by the validator (which then names every problem by line).
 */
export function findFileProblem(name: string, size: number, head: Uint8Array): FileProblem | null {
  const extension = extensionOf(name)
  if (COMPRESSED_EXTENSIONS.includes(extension)) {
    return {
      title: 'This file is compressed',
      message: `“${name}” is a ${extension} archive. Extract it first, then drop the .jsonl file that was inside.`,
    }
  }
  if (extension !== '.jsonl') {
    const what = extension ? `a ${extension} file` : 'a file without an extension'
    const hint =
      extension === '.json'
        ? 'A .json file usually holds one JSON document; a batch file holds one request object per line. If this file already has one request per line, rename it to end in .jsonl.'
        : 'Export or convert your requests to JSON Lines (one request per line), or, if this file already has one request per line, rename it to end in .jsonl.'
    return { title: 'This is not a .jsonl file', message: `“${name}” is ${what}. A batch file is a .jsonl file. ${hint}` }
  }
  if (size === 0) {
    return {
      title: 'This file is empty',
      message: `“${name}” has 0 bytes: there is nothing in it to run. Check that you picked the right file and that it finished saving, then drop it again.`,
    }
  }
  // The validator's own test, so the browser and the server call the same files UTF-16.
  const utf16 = detectUtf16(head)
  if (utf16) {
    return {
      title: 'This file is saved as UTF-16',
      message: `Batch files must be UTF-8 text, and “${name}” is ${utf16.name}. Open it in your editor and save it again with the encoding set to UTF-8 (in PowerShell: Out-File -Encoding utf8), or convert it with \`${utf16ConvertCommand(utf16)}\`, then drop it again.`,
    }
  }
  const signature = SIGNATURES.find(({ bytes }) => startsWith(head, bytes))
  if (signature || head.includes(0)) {
    const kind = signature?.kind ?? 'a binary file'
    const fix = signature?.compressed
      ? 'Extract it first, then drop the .jsonl file that was inside.'
      : 'A batch file is plain UTF-8 text with one JSON request per line: export your requests as .jsonl and drop that file.'
    return { title: 'This is not a text file', message: `“${name}” looks like ${kind}, not text. ${fix}` }
  }
  if (size <= head.length && head.every((byte) => isJsonWhitespace(byte))) {
    return {
      title: 'This file has no requests',
      message: `“${name}” holds only blank lines. Put one JSON request object on each line, then drop it again.`,
    }
  }
  return null
}
