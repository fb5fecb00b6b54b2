import { storeSourceTable } from '@/lib/server/builder/source-table'
import { defineRoute } from '@/lib/server/http/route'
import { sourceTableParams } from '@/lib/validations/builder'

// A table of 50,000 rows is tens of megabytes: streamed as the raw body like upload chunks, not parsed into
// memory as a server action's argument would be (docs/decisions/010 and 016).
export const PUT = defineRoute({ params: sourceTableParams }, ({ request, params }) => storeSourceTable(params.fileId, request.body))
