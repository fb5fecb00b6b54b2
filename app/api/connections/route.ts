import { listConnections } from '@/lib/server/connections'
import { defineRoute } from '@/lib/server/http/route'

export const GET = defineRoute({}, () => listConnections())
