import { batchIdParams, getV1Batch } from '@/lib/server/v1/batches'
import { defineV1Route } from '@/lib/server/v1/route'

export const GET = defineV1Route({ params: batchIdParams }, ({ params }) => getV1Batch(params.batchId))
