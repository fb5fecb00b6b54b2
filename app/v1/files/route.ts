import { fileListQuery, listV1Files, uploadV1File } from '@/lib/server/v1/files'
import { defineV1Route } from '@/lib/server/v1/route'

export const GET = defineV1Route({ query: fileListQuery }, ({ query }) => listV1Files(query))
export const POST = defineV1Route({}, ({ request }) => uploadV1File(request))
