import { defineRoute } from '@/lib/server/http/route'
import { getResultRow } from '@/lib/server/results'
import { batchIdInput } from '@/lib/validations/batches'
import { resultRowQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: batchIdInput, query: resultRowQuery }, ({ params, query }) => getResultRow(params.batchId, query.customId))
