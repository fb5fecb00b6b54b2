import { defineRoute } from '@/lib/server/http/route'
import { listJobs } from '@/lib/server/jobs'

export const GET = defineRoute({}, () => listJobs())
