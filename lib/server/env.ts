import 'server-only'
import { loadEnv } from '@/lib/config/env'

export const env = loadEnv(process.env)
