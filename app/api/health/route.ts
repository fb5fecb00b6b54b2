import { checkHealth } from '@/lib/server/health'
import { defineRoute } from '@/lib/server/http/route'

export const GET = defineRoute({ public: true }, () => checkHealth())
