import { defineRoute } from '@/lib/server/http/route'
import { getResultImage } from '@/lib/server/results'
import { jobIdInput } from '@/lib/validations/jobs'
import { resultImageQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: jobIdInput, query: resultImageQuery }, ({ params, query }) => getResultImage(params.jobId, query.customId, query.n))
