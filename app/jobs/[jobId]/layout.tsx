import { notFound } from 'next/navigation'
import type { ReactNode } from 'react'
import { requirePageSession } from '@/lib/server/auth'
import { jobExists } from '@/lib/server/jobs'

// As for batches: the check sits above the page's loading boundary, so an unknown id is a real 404.
export default async function JobLayout({ children, params }: { children: ReactNode; params: Promise<{ jobId: string }> }) {
  await requirePageSession()
  const { jobId } = await params
  if (!(await jobExists(jobId))) notFound()
  return children
}
