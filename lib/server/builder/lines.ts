import 'server-only'

/**
 * The lines of a byte stream as text, one at a time, so memory follows the longest line and not the stream.
 * Past `maxBytes` it throws `tooLarge()`.
 */
export async function* textLines(source: AsyncIterable<Uint8Array>, options: { maxBytes?: number; tooLarge?: () => Error } = {}): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let received = 0
  let rest = ''
  for await (const chunk of source) {
    received += chunk.length
    if (options.maxBytes !== undefined && received > options.maxBytes) throw options.tooLarge?.() ?? new Error('The stream is too large.')
    rest += decoder.decode(chunk, { stream: true })
    let start = 0
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      yield rest.charCodeAt(end - 1) === 13 ? rest.slice(start, end - 1) : rest.slice(start, end)
      start = end + 1
    }
    rest = rest.slice(start)
  }
  rest += decoder.decode()
  if (rest !== '') yield rest
}
