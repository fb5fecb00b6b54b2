import { statSync } from 'node:fs'
import path from 'node:path'
import { db } from '@/lib/server/db'
import { ensureStorageDirs, storageDirs, toStoragePath } from '@/lib/server/storage'
import { writeResultFiles } from '@/tests/support/result-files'

/** A completed builtin batch whose input, output and error files are generated on disk (see result-files.ts). */
export async function seedGeneratedBatch(batchId: string, lines: number) {
  await ensureStorageDirs()
  const paths = {
    input: path.join(storageDirs.files, `${batchId}_input.jsonl`),
    output: path.join(storageDirs.files, `${batchId}_output.jsonl`),
    error: path.join(storageDirs.files, `${batchId}_error.jsonl`),
  }
  await writeResultFiles(lines, paths)
  const file = (kind: keyof typeof paths) => ({
    id: `file-${batchId.slice(6)}${kind}`,
    filename: path.basename(paths[kind]),
    purpose: kind === 'input' ? 'batch' : 'batch_output',
    bytes: BigInt(statSync(paths[kind]).size),
    storagePath: toStoragePath(paths[kind]),
    ...(kind === 'input' ? { lineCount: lines, endpoint: '/v1/chat/completions', model: 'gpt-4o-mini' } : {}),
  })
  await db.file.createMany({ data: [file('input'), file('output'), file('error')] })
  await db.batch.create({
    data: {
      id: batchId,
      connectionId: 'builtin',
      endpoint: '/v1/chat/completions',
      status: 'completed',
      completedAt: new Date(),
      requestCountTotal: lines,
      inputFileId: file('input').id,
      outputFileId: file('output').id,
      errorFileId: file('error').id,
    },
  })
  return paths
}
