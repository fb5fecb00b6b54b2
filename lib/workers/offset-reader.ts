// Node-only and free of 'server-only': the server's results code (the row drawer, a job's result files) and the
// worker threads' tasks (an export's pages) read lines by byte offset with it.
import { open, type FileHandle } from 'node:fs/promises'

/** One line read by its byte offset: the row drawer never reads more of a file than the line itself. */
export async function readLineAt(filePath: string, offset: number, length: number): Promise<string> {
  const handle = await open(filePath, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, offset)
    return buffer.toString('utf8', 0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Reads lines by byte offset from many files, keeping each file open until close(): exports read thousands. */
export class OffsetReader {
  private handles = new Map<string, Promise<FileHandle>>()

  async read(path: string | null | undefined, offset: number | bigint | null, length: number | bigint | null): Promise<string | null> {
    if (!path || offset === null || length === null) return null
    let handle = this.handles.get(path)
    if (!handle) this.handles.set(path, (handle = open(path, 'r')))
    const buffer = Buffer.alloc(Number(length))
    const { bytesRead } = await (await handle).read(buffer, 0, buffer.length, Number(offset))
    return buffer.toString('utf8', 0, bytesRead)
  }

  async close() {
    await Promise.allSettled([...this.handles.values()].map(async (handle) => (await handle).close()))
  }
}
