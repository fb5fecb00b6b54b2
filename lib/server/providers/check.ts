import 'server-only'
import { translateAnthropicLine } from '@/lib/providers/anthropic/translate'
import { translateGeminiLine } from '@/lib/providers/gemini/translate'
import { db } from '@/lib/server/db'
import { AppError, notFound } from '@/lib/server/http/errors'
import { fromStoragePath } from '@/lib/server/storage'
import type { ProviderLineCheck } from '@/lib/types'
import { translateFile } from './line-reader'

const ignore = () => {}

/**
 * Translates a stored file for an Anthropic or Gemini connection without sending anything, so New batch lists the
 * lines to change before Create (the same translators and limits as the upload, lib/providers/*). Other kinds take
 * OpenAI's lines as they are: nothing to check.
 */
export async function checkFileForConnection(fileId: string, connectionId: string): Promise<ProviderLineCheck> {
  const [file, connection] = await Promise.all([db.file.findUnique({ where: { id: fileId } }), db.connection.findUnique({ where: { id: connectionId } })])
  if (!file) throw notFound('file', fileId)
  if (!connection) throw notFound('connection', connectionId)
  if (connection.kind !== 'anthropic' && connection.kind !== 'gemini') return { checked: false, errors: [], errorCount: 0 }
  if (!file.storagePath) throw new AppError(409, 'file_not_local', `${file.filename} has no local copy to check; choose another file.`, { param: 'fileId' })
  // Limits split a file into a job's parts; they are not the lines' fault.
  const limits = { maxRequests: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, provider: connection.name }
  const defaultMaxTokens = connection.defaultMaxTokens
  const path = fromStoragePath(file.storagePath)
  const result =
    connection.kind === 'anthropic'
      ? await translateFile(path, (value, line) => translateAnthropicLine(value, line, { defaultMaxTokens }), ignore, { ...limits, format: 'anthropic' })
      : await translateFile(path, translateGeminiLine, ignore, { ...limits, format: 'gemini' })
  return result.ok ? { checked: true, errors: [], errorCount: 0 } : { checked: true, errors: result.errors, errorCount: result.errorCount }
}
