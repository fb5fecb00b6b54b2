import { listBatchFacets } from '@/lib/server/batches'
import { defineRoute } from '@/lib/server/http/route'

export const GET = defineRoute({}, () => listBatchFacets())
