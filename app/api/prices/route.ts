import { defineRoute } from '@/lib/server/http/route'
import { getPriceTable } from '@/lib/server/pricing'

export const GET = defineRoute({}, () => getPriceTable())
