import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { createBatchFileValidator } from '@/lib/jsonl'
import type { CheckMessage, CheckRequest } from './check-messages'

// The DOM lib types `self` as a Window; in a dedicated worker only these two members are used.
const scope = self as unknown as {
  postMessage(message: CheckMessage): void
  addEventListener(type: 'message', listener: (event: MessageEvent<CheckRequest>) => void): void
}

// Enough to move a progress bar smoothly without flooding the page with messages.
const PROGRESS_EVERY_MS = 100

scope.addEventListener('message', (event) => {
  if (event.data.type === 'check') void check(event.data.file)
})

// One read of the file feeds both the validator and the hash, so an identical earlier upload can be
// recognised without reading the file twice.
async function check(file: Blob) {
  try {
    const hash = sha256.create()
    let lastPost = 0
    const validator = createBatchFileValidator({
      onProgress: ({ bytes, lines }) => {
        const now = performance.now()
        if (now - lastPost < PROGRESS_EVERY_MS) return
        lastPost = now
        scope.postMessage({ type: 'progress', bytes, lines })
      },
    })
    const reader = file.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      hash.update(value)
      await validator.push(value)
    }
    const report = await validator.finish()
    scope.postMessage({ type: 'progress', bytes: report.facts.bytes, lines: report.facts.lines })
    scope.postMessage({ type: 'done', report, sha256: bytesToHex(hash.digest()) })
  } catch (error) {
    scope.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
}
