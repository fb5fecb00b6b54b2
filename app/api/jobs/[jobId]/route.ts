import { defineRoute } from '@/lib/server/http/route'
import { getJob } from '@/lib/server/jobs'
import { jobIdInput } from '@/lib/validations/jobs'

export const GET = defineRoute({ params: jobIdInput }, ({ params }) => getJob(params.jobId))
