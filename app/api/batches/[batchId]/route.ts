import { getBatch } from '@/lib/server/batches'
import { defineRoute } from '@/lib/server/http/route'
import { batchIdInput } from '@/lib/validations/batches'

export const GET = defineRoute({ params: batchIdInput }, ({ params }) => getBatch(params.batchId))
