import { batchIdParams, cancelV1Batch } from '@/lib/server/v1/batches'
import { defineV1Route } from '@/lib/server/v1/route'

export const POST = defineV1Route({ params: batchIdParams }, ({ params }) => cancelV1Batch(params.batchId))
