import 'server-only'
import { verifyApiKey } from '@/lib/server/api-keys'
import { V1Error } from './errors'

const MISSING =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). Create a key in Batchboard's settings or set BATCHBOARD_API_KEY."

/** Shows enough of a wrong key to recognise it, as OpenAI does, never the whole of it. */
const redact = (key: string) => (key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`)

/** Bearer auth for the /v1 API: BATCHBOARD_API_KEY or an unrevoked key made in the app; 401 otherwise. */
export async function authenticateV1(request: Request): Promise<void> {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!match) throw new V1Error(401, MISSING)
  const key = match[1]!.trim()
  if (!(await verifyApiKey(key))) {
    throw new V1Error(401, `Incorrect API key provided: ${redact(key)}. Check the key, or create a new one in Batchboard's settings.`, {
      code: 'invalid_api_key',
    })
  }
}
