import { defineRoute } from '@/lib/server/http/route'
import { exportResults } from '@/lib/server/results'
import { jobIdInput } from '@/lib/validations/jobs'
import { resultExportQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: jobIdInput, query: resultExportQuery }, ({ params, query }) => exportResults(params.jobId, query))
