import { defineRoute } from '@/lib/server/http/route'
import { getResultImage } from '@/lib/server/results'
import { batchIdInput } from '@/lib/validations/batches'
import { resultImageQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: batchIdInput, query: resultImageQuery }, ({ params, query }) =>
  getResultImage(params.batchId, query.customId, query.n, query.side),
)
