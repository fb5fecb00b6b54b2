import { defineRoute } from '@/lib/server/http/route'
import { exportResults } from '@/lib/server/results'
import { batchIdInput } from '@/lib/validations/batches'
import { resultExportQuery } from '@/lib/validations/results'

export const GET = defineRoute({ params: batchIdInput, query: resultExportQuery }, ({ params, query }) => exportResults(params.batchId, query))
