import { getEngineUpstreams } from '@/lib/server/engine/upstream-admin'
import { defineRoute } from '@/lib/server/http/route'

export const GET = defineRoute({}, () => getEngineUpstreams())
