import { defineRoute } from '@/lib/server/http/route'
import { getResultFacets } from '@/lib/server/results'
import { batchIdInput } from '@/lib/validations/batches'

export const GET = defineRoute({ params: batchIdInput }, ({ params }) => getResultFacets(params.batchId))
