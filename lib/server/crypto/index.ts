import 'server-only'
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { env } from '@/lib/server/env'

// AES-256-GCM: authenticated, so a tampered or wrongly keyed secret fails loudly instead of decrypting to junk.
const ALGORITHM = 'aes-256-gcm'
const VERSION = 'v1'

let cachedKey: Buffer | null = null

function readOrCreateKeyFile(file: string): Buffer {
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(path.dirname(file), { recursive: true })
  const key = randomBytes(32)
  try {
    // 'wx': when two processes start together, the second must read the first one's key, not replace it.
    writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' })
    return key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  }
}

/** BATCHBOARD_SECRET when set (any length ≥ 16, hashed to 32 bytes); otherwise a key generated once into DATA_DIR. */
export function encryptionKey(): Buffer {
  cachedKey ??= env.secret ? createHash('sha256').update(env.secret).digest() : readOrCreateKeyFile(path.join(env.dataDir, 'secret.key'))
  return cachedKey
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv(ALGORITHM, encryptionKey(), iv)
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.')
}

export function decryptSecret(ciphertext: string): string {
  const [version, iv, tag, data] = ciphertext.split('.')
  if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) throw new Error('Not a Batchboard secret')
  const decipher = createDecipheriv(ALGORITHM, encryptionKey(), Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    throw new Error('Cannot decrypt a stored secret: BATCHBOARD_SECRET (or DATA_DIR/secret.key) is not the one it was saved with.')
  }
}

/** The last 4 characters: all of a secret the browser may ever see. */
export const secretHint = (secret: string) => secret.slice(-4)
