import { defineRoute } from '@/lib/server/http/route'
import { getResultRow } from '@/lib/server/results'
import { jobIdInput } from '@/lib/validations/jobs'
import { resultRowQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: jobIdInput, query: resultRowQuery }, ({ params, query }) => getResultRow(params.jobId, query.customId))
