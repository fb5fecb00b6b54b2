import { defineRoute } from '@/lib/server/http/route'
import { listResultPage } from '@/lib/server/results'
import { jobIdInput } from '@/lib/validations/jobs'
import { resultPageQuery } from '@/lib/validations/results'

// A job's results are read with the batch results' own queries: its rows are kept under the job's id.
export const GET = defineRoute({ params: jobIdInput, query: resultPageQuery }, ({ params, query }) => listResultPage(params.jobId, query))
