import { defineRoute } from '@/lib/server/http/route'
import { getUsageReport } from '@/lib/server/usage'
import { usageQuery } from '@/lib/validations/prices'

export const GET = defineRoute({ query: usageQuery }, ({ query }) => getUsageReport(query))
