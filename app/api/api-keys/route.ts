import { getApiKeyList } from '@/lib/server/api-keys'
import { defineRoute } from '@/lib/server/http/route'

export const GET = defineRoute({}, () => getApiKeyList())
