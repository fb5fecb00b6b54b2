import { previewFile } from '@/lib/server/files'
import { defineRoute } from '@/lib/server/http/route'
import { fileIdInput, filePreviewQuery } from '@/lib/validations/files'

export const GET = defineRoute({ params: fileIdInput, query: filePreviewQuery }, ({ params, query }) =>
  previewFile(params.fileId, { from: query.from, count: query.lines }),
)
