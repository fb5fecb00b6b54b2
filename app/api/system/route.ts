import { defineRoute } from '@/lib/server/http/route'
import { getSystemInfo } from '@/lib/server/system'

export const GET = defineRoute({}, () => getSystemInfo())
