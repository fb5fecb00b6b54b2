import { listBatchFacets } from '@/lib/server/batches'
import { defineRoute } from '@/lib/server/http/route'
import { batchFacetsQuery } from '@/lib/validations/batches'

export const GET = defineRoute({ query: batchFacetsQuery }, ({ query }) => listBatchFacets(query))
