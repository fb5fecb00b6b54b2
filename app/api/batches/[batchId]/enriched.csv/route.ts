import { exportEnrichedTable } from '@/lib/server/builder/enriched'
import { defineRoute } from '@/lib/server/http/route'
import { batchIdInput } from '@/lib/validations/batches'

/** The table a batch was built from, with an answer, status and error column per row (README: Building a batch file from a table). */
export const GET = defineRoute({ params: batchIdInput }, ({ params }) => exportEnrichedTable(params.batchId))
