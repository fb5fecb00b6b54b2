import type { Metadata } from 'next'
import { JobDetailView } from '@/components/jobs/job-detail'

export const metadata: Metadata = { title: 'Job' }

// An unknown id is a 404 (layout.tsx); everything else is read (and polled) in the browser.
export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params
  return <JobDetailView jobId={jobId} />
}
