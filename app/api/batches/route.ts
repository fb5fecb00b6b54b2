import { listBatches } from '@/lib/server/batches'
import { defineRoute } from '@/lib/server/http/route'
import { batchListQuery } from '@/lib/validations/batches'

export const GET = defineRoute({ query: batchListQuery }, ({ query }) => listBatches(query))
