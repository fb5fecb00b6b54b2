import { batchListQuery, createV1Batch, listV1Batches } from '@/lib/server/v1/batches'
import { defineV1Route } from '@/lib/server/v1/route'

export const GET = defineV1Route({ query: batchListQuery }, ({ query }) => listV1Batches(query))
export const POST = defineV1Route({}, ({ request }) => createV1Batch(request))
