import { fileIdParams, getV1FileContent } from '@/lib/server/v1/files'
import { defineV1Route } from '@/lib/server/v1/route'

export const GET = defineV1Route({ params: fileIdParams }, ({ params }) => getV1FileContent(params.fileId))
