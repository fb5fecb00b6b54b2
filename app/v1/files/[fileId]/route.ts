import { deleteV1File, fileIdParams, getV1File } from '@/lib/server/v1/files'
import { defineV1Route } from '@/lib/server/v1/route'

export const GET = defineV1Route({ params: fileIdParams }, ({ params }) => getV1File(params.fileId))
export const DELETE = defineV1Route({ params: fileIdParams }, ({ params }) => deleteV1File(params.fileId))
