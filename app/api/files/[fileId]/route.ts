import { getFile } from '@/lib/server/files'
import { defineRoute } from '@/lib/server/http/route'
import { fileIdInput } from '@/lib/validations/files'

export const GET = defineRoute({ params: fileIdInput }, ({ params }) => getFile(params.fileId))
