import { checkFileForConnection } from '@/lib/server/providers/check'
import { defineRoute } from '@/lib/server/http/route'
import { fileIdInput, providerCheckQuery } from '@/lib/validations/files'

export const GET = defineRoute({ params: fileIdInput, query: providerCheckQuery }, ({ params, query }) =>
  checkFileForConnection(params.fileId, query.connectionId),
)
