export const TOKEN_ENCODINGS = ['o200k_base', 'cl100k_base'] as const
export type TokenEncoding = (typeof TOKEN_ENCODINGS)[number]

export type CountTokens = (text: string) => number

// 'sampled' counts the first SAMPLE_CHARS characters of text exactly and then every SAMPLE_EVERY-th
// request, scaling the rest by the tokens-per-character seen so far: a 200 MB file is estimated in a
// fraction of the time BPE over all of it takes (see README.md for figures), closely for files of similar
// requests. Files under the sample size are counted exactly either way.
export const TOKEN_ESTIMATE_MODES = ['sampled', 'exact', 'off'] as const
export type TokenEstimateMode = (typeof TOKEN_ESTIMATE_MODES)[number]

const SAMPLE_CHARS = 500_000
const SAMPLE_EVERY = 200

// gpt-tokenizer's own model map agrees (tests/unit/jsonl checks it); a rule rather than the map so that
// dated snapshots, fine-tunes and models newer than the package still land on the right encoding.
const CL100K_MODELS = /^(gpt-3\.5|gpt-4(-|$)|text-embedding-3-|text-embedding-ada-002|babbage-002|davinci-002)/

export function encodingForModel(model: string | null): TokenEncoding {
  if (model === null) return 'o200k_base'
  // Fine-tunes are named ft:<base model>:<org>:<suffix>:<id>.
  const base = model.startsWith('ft:') ? model.slice(3) : model
  return CL100K_MODELS.test(base) ? 'cl100k_base' : 'o200k_base'
}

// Request text is data: "<|endoftext|>" in a prompt is plain text to the API, where gpt-tokenizer's
// default would throw.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() }

const loaded = new Map<TokenEncoding, Promise<CountTokens>>()

// Loaded on first use: each encoding is megabytes of rank tables (about 70 MB of RSS for o200k_base) that a
// validation with tokens off, or a browser bundle, should not pay for.
export function loadTokenCounter(encoding: TokenEncoding): Promise<CountTokens> {
  let counter = loaded.get(encoding)
  if (counter === undefined) {
    counter = (encoding === 'cl100k_base' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base')).then(
      ({ countTokens }) =>
        (text: string) =>
          countTokens(text, PLAIN_TEXT),
    )
    counter.catch(() => loaded.delete(encoding))
    loaded.set(encoding, counter)
  }
  return counter
}

/** The encodings this thread has loaded (or is loading): tests check that the server's request thread loads none. */
export const loadedTokenEncodings = (): TokenEncoding[] => [...loaded.keys()]

/** A tally's running counts, plain numbers: a job's split carries them from one worker task to the next. */
export type TokenTallyState = { countedTokens: number; countedChars: number; scaledChars: number; fixedTokens: number; requests: number }

export class TokenTally {
  private countedTokens = 0
  private countedChars = 0
  private scaledChars = 0
  private fixedTokens = 0
  private requests = 0

  constructor(
    private readonly mode: Exclude<TokenEstimateMode, 'off'>,
    from?: TokenTallyState,
  ) {
    if (!from) return
    this.countedTokens = from.countedTokens
    this.countedChars = from.countedChars
    this.scaledChars = from.scaledChars
    this.fixedTokens = from.fixedTokens
    this.requests = from.requests
  }

  state(): TokenTallyState {
    const { countedTokens, countedChars, scaledChars, fixedTokens, requests } = this
    return { countedTokens, countedChars, scaledChars, fixedTokens, requests }
  }

  // Whether the next request's text should be run through the tokenizer.
  wantsExactCount(): boolean {
    this.requests++
    return this.mode === 'exact' || this.countedChars < SAMPLE_CHARS || this.requests % SAMPLE_EVERY === 0
  }

  addCounted(chars: number, tokens: number): void {
    this.countedChars += chars
    this.countedTokens += tokens
  }

  addScaled(chars: number): void {
    this.scaledChars += chars
  }

  addFixed(tokens: number): void {
    this.fixedTokens += tokens
  }

  /** One request's estimate (counted, or scaled by the rate seen so far), added to the tally: what jobs split by. */
  addRequest(fixedTokens: number, texts: readonly string[], count: CountTokens): number {
    this.addFixed(fixedTokens)
    let chars = 0
    for (const piece of texts) chars += piece.length
    if (chars === 0) return fixedTokens
    if (!this.wantsExactCount()) {
      this.addScaled(chars)
      return fixedTokens + Math.round(chars * this.tokensPerChar)
    }
    let tokens = 0
    for (const piece of texts) tokens += count(piece)
    this.addCounted(chars, tokens)
    return fixedTokens + tokens
  }

  private get tokensPerChar(): number {
    return this.countedChars === 0 ? 0 : this.countedTokens / this.countedChars
  }

  get isExact(): boolean {
    return this.scaledChars === 0
  }

  total(): number {
    return this.fixedTokens + this.countedTokens + Math.round(this.scaledChars * this.tokensPerChar)
  }
}
