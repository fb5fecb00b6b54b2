import 'server-only'
import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import type { GeminiBatchKind } from '@/lib/providers/gemini/translate'
import { downloadAside } from '@/lib/server/providers/files'
import { providerInputPath, storageDirs } from '@/lib/server/storage'

/** What createBatch needs of an uploaded input that the Gemini file does not say: the lines' kind and model. */
export type HeldFacts = { kind: GeminiBatchKind; model: string; requests: number; displayName: string }

// Gemini's file names (`files/abc123`) are not file-system names: the kept facts are named by a hash of it.
const factsPath = (fileName: string) => providerInputPath(`gemini-${createHash('sha256').update(fileName).digest('hex').slice(0, 32)}`)

/** Keeps an uploaded input's facts in DATA_DIR until the batch is created, so a restart in between still creates it. */
export async function holdFacts(fileName: string, facts: HeldFacts): Promise<void> {
  await mkdir(storageDirs.providerInputs, { recursive: true })
  await downloadAside(factsPath(fileName), (partPath) => writeFile(partPath, JSON.stringify(facts)))
}

/** The kept facts of an uploaded input, or null when there are none (never uploaded here, created already, or deleted). */
export async function readHeldFacts(fileName: string): Promise<HeldFacts | null> {
  try {
    // Written by holdFacts only.
    return JSON.parse(await readFile(factsPath(fileName), 'utf8')) as HeldFacts
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null
    throw error
  }
}

export const dropHeldFacts = (fileName: string) => rm(factsPath(fileName), { force: true })
