import 'server-only'
import { rename, rm } from 'node:fs/promises'

/**
 * Writes a provider's file to `destination` through `${destination}.part`, renamed only once `write` has finished, so
 * a download cut off never passes for the whole file.
 */
export async function downloadAside(destination: string, write: (partPath: string) => Promise<void>): Promise<void> {
  const partPath = `${destination}.part`
  try {
    await write(partPath)
    await rename(partPath, destination)
  } finally {
    await rm(partPath, { force: true })
  }
}
