import { closeSync, openSync, writeSync } from 'node:fs'

/** The largest file OpenAI takes, in decimal megabytes: 50,000 requests, 200,000,000 bytes (under 200 MiB). */
export const LARGE_FILE = { lines: 50_000, lineBytes: 4_000 } as const

export type ChatFileOptions = {
  lines: number
  /** Bytes of each line, its newline included. */
  lineBytes: number
  /** Different seeds give files with different text (and so a different sha256). */
  seed?: number
}

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her ' +
  'she there been one all would their we him when who will more no if out so said what up its about into than them can only ' +
  'other new some could time these two may then do first any my now such like our over man me even most made after also did ' +
  'many before must through back years where much your way well down should because each just those people how too little ' +
  'state good very make world still own see men work long get here between both life being under never day same another know ' +
  'while last might us great old year off come since against go came right used take three invoice customer shipment refund ' +
  'summarise classify translate extract sentiment paragraph question answer document contract clause delivery warranty'
).split(' ')

/** A small seeded PRNG (mulberry32), so a seed always gives the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Sentences of ordinary English-like words: plain ASCII without quotes, so JSON adds no escapes. */
function paragraphs(next: () => number, count: number): string[] {
  const out: string[] = []
  for (let p = 0; p < count; p++) {
    const sentences: string[] = []
    for (let s = 0; s < 6; s++) {
      const words: string[] = []
      const length = 8 + Math.floor(next() * 12)
      for (let w = 0; w < length; w++) words.push(WORDS[Math.floor(next() * WORDS.length)] ?? 'the')
      const sentence = words.join(' ')
      sentences.push(sentence.charAt(0).toUpperCase() + sentence.slice(1) + (next() < 0.15 ? '?' : '.'))
    }
    out.push(sentences.join(' '))
  }
  return out
}

/**
 * Writes a valid Chat Completions batch file of `lines` requests of exactly `lineBytes` bytes each: a system
 * and a user message of varied English-like text, the way real extraction or classification batches look.
 */
export function writeChatFile(file: string, { lines, lineBytes, seed = 1 }: ChatFileOptions): { bytes: number; lines: number } {
  const next = random(seed)
  const pool = paragraphs(next, 512)
  const pick = () => pool[Math.floor(next() * pool.length)] ?? ''
  const fd = openSync(file, 'w')
  try {
    let block: string[] = []
    let blockBytes = 0
    for (let index = 1; index <= lines; index++) {
      const request = (content: string) =>
        JSON.stringify({
          custom_id: `request-${index}`,
          method: 'POST',
          url: '/v1/chat/completions',
          body: {
            model: 'gpt-4o-mini',
            messages: [
              { role: 'system', content: 'You are a careful assistant. Answer in one short paragraph.' },
              { role: 'user', content },
            ],
            max_tokens: 300,
          },
        })
      const room = lineBytes - 1 - request('').length
      let content = `Document ${index}. `
      while (content.length < room) content += pick() + ' '
      const line = request(content.slice(0, room).trimEnd().padEnd(room, '.'))
      block.push(line)
      blockBytes += line.length + 1
      if (blockBytes >= 4 << 20 || index === lines) {
        writeSync(fd, block.join('\n') + '\n')
        block = []
        blockBytes = 0
      }
    }
  } finally {
    closeSync(fd)
  }
  return { bytes: lines * lineBytes, lines }
}
