import { defineRoute } from '@/lib/server/http/route'
import { getResultFacets } from '@/lib/server/results'
import { jobIdInput } from '@/lib/validations/jobs'

export const GET = defineRoute({ params: jobIdInput }, ({ params }) => getResultFacets(params.jobId))
