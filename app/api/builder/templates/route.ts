import { listTemplates } from '@/lib/server/builder/templates'
import { defineRoute } from '@/lib/server/http/route'

export const GET = defineRoute({}, () => listTemplates())
