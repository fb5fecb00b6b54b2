import { listFiles } from '@/lib/server/files'
import { defineRoute } from '@/lib/server/http/route'
import { fileListQuery } from '@/lib/validations/files'

export const GET = defineRoute({ query: fileListQuery }, ({ query }) => listFiles(query))
