// A process that starts a dashboard upload and streams its first chunk forever, for the kill -9 test
// (tests/integration/faults/upload-crash.test.ts). Prints "upload <id>" once bytes are on disk.
import { startUpload, writeUploadChunk } from '@/lib/server/files/upload'

async function main() {
  const started = await startUpload({ filename: 'killed.jsonl', bytes: 1024 * 1024 })
  if (started.kind !== 'started') throw new Error('expected a new upload')
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      controller.enqueue(new TextEncoder().encode('{"custom_id":"a"}\n'.repeat(10)))
      if ((sent += 1) === 3) console.log(`upload ${started.uploadId}`)
    },
  })
  await writeUploadChunk(started.uploadId, 0, body)
}

void main()
