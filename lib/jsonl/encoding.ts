// A file saved as UTF-16 (Windows Notepad's "Unicode", PowerShell's `>` before 7) fails on every line when read as
// UTF-8; it is recognised from its first bytes instead, so the user gets one error that says how to convert it.

export type Utf16Encoding = { name: 'UTF-16LE' | 'UTF-16BE'; byteOrderMark: boolean }

// Enough for the start of the first request ({"custom_id": …), which is ASCII in any real file. The browser's
// file check looks at the same bytes, so it and the validator always agree.
export const ENCODING_SNIFF_BYTES = 64

// JSON text holds no NUL byte (a control character must be escaped), so NULs in every other byte of the first
// characters are UTF-16's high (or, big-endian, leading) zero bytes of ASCII characters.
export function detectUtf16(bytes: Uint8Array): Utf16Encoding | null {
  const head = bytes.subarray(0, ENCODING_SNIFF_BYTES)
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { name: 'UTF-16LE', byteOrderMark: true }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { name: 'UTF-16BE', byteOrderMark: true }
  const pairs = Math.floor(head.length / 2)
  if (pairs < 2) return null
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenZeros++
    if (head[i + 1] === 0) oddZeros++
  }
  // A quarter leaves room for non-ASCII characters among the first ones; (almost) none on the other side rules out
  // binary data, which has zeros everywhere (a character such as U+4E00 puts its zero byte on the other side).
  if (oddZeros * 4 >= pairs && evenZeros * 20 <= oddZeros) return { name: 'UTF-16LE', byteOrderMark: false }
  if (evenZeros * 4 >= pairs && oddZeros * 20 <= evenZeros) return { name: 'UTF-16BE', byteOrderMark: false }
  return null
}

/** The command that converts such a file; iconv's "UTF-16" reads the byte order mark, and without one assumes big-endian. */
export function utf16ConvertCommand(encoding: Utf16Encoding): string {
  return `iconv -f ${encoding.byteOrderMark ? 'UTF-16' : encoding.name} -t UTF-8 in.jsonl > out.jsonl`
}

export function describeUtf16(encoding: Utf16Encoding): string {
  const mark = encoding.byteOrderMark ? 'with' : 'without'
  return `This file is encoded as ${encoding.name} (${mark} a byte order mark), not UTF-8, so none of its lines can be read. Convert it to UTF-8 and upload it again: \`${utf16ConvertCommand(encoding)}\`, or in your editor save it with the encoding "UTF-8".`
}
