import { defineRoute } from '@/lib/server/http/route'
import { listResultPage } from '@/lib/server/results'
import { batchIdInput } from '@/lib/validations/batches'
import { resultPageQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: batchIdInput, query: resultPageQuery }, ({ params, query }) => listResultPage(params.batchId, query))
