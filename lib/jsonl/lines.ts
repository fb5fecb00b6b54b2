const NEWLINE = 10
const CARRIAGE_RETURN = 13
const EMPTY = new Uint8Array(0)

// Splits a byte stream into lines without decoding it: searching bytes for '\n' is safe in UTF-8 (no
// multi-byte sequence contains 0x0A) and lets each line be decoded strictly on its own, so an encoding
// error can be pinned to its line. Only the unfinished tail of a chunk is kept between writes, so memory
// follows the longest line, not the file.
//
// Pull-style on purpose: the caller may need to await between lines (loading the tokenizer) without the
// splitter running ahead of it.
export class LineSplitter {
  private chunk: Uint8Array = EMPTY
  private pos = 0
  private parts: Uint8Array[] = []
  private partsLength = 0
  private overflowed = false
  // True when the line last returned by next() or end() was longer than maxLineBytes; its bytes were
  // dropped and an empty array returned in their place.
  truncated = false

  constructor(private readonly maxLineBytes: number = Number.POSITIVE_INFINITY) {}

  write(chunk: Uint8Array): void {
    if (this.pos < this.chunk.length) throw new Error('LineSplitter.write called before the previous chunk was drained')
    this.chunk = chunk
    this.pos = 0
  }

  // The next complete line without its '\n' (a '\r' before it is kept), or null when the written chunks
  // hold no further complete line.
  next(): Uint8Array | null {
    const end = this.chunk.indexOf(NEWLINE, this.pos)
    if (end === -1) {
      if (this.pos < this.chunk.length) this.stash(this.chunk.subarray(this.pos))
      this.chunk = EMPTY
      this.pos = 0
      return null
    }
    const piece = this.chunk.subarray(this.pos, end)
    this.pos = end + 1
    return this.take(piece)
  }

  // The last line when the input does not end with '\n'; null when nothing is left.
  end(): Uint8Array | null {
    if (this.pos < this.chunk.length) this.stash(this.chunk.subarray(this.pos))
    this.chunk = EMPTY
    this.pos = 0
    if (this.partsLength === 0 && !this.overflowed) return null
    return this.take(EMPTY)
  }

  private stash(tail: Uint8Array): void {
    if (this.overflowed) return
    if (this.partsLength + tail.length > this.maxLineBytes) {
      this.overflowed = true
      this.parts = []
      this.partsLength = 0
      return
    }
    // Copied because a stream may reuse its buffer for the next chunk; Buffer#slice would not copy.
    this.parts.push(new Uint8Array(tail))
    this.partsLength += tail.length
  }

  private take(piece: Uint8Array): Uint8Array {
    const length = this.partsLength + piece.length
    this.truncated = this.overflowed || length > this.maxLineBytes
    let line: Uint8Array
    if (this.truncated) line = EMPTY
    else if (this.parts.length === 0) line = piece
    else {
      line = new Uint8Array(length)
      let offset = 0
      for (const part of this.parts) {
        line.set(part, offset)
        offset += part.length
      }
      line.set(piece, offset)
    }
    this.parts = []
    this.partsLength = 0
    this.overflowed = false
    return line
  }
}

export function withoutCarriageReturn(line: Uint8Array): Uint8Array {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line
}

export function withoutByteOrderMark(line: Uint8Array): Uint8Array {
  return line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? line.subarray(3) : line
}

// JSON's own whitespace; anything else makes the line a (broken) request rather than a blank.
export function isBlank(line: Uint8Array): boolean {
  for (let i = 0; i < line.length; i++) {
    const byte = line[i]
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false
  }
  return true
}
