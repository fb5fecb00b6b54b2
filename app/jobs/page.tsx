import { PlusCircle } from 'lucide-react'
import type { Metadata } from 'next'
import { JobList } from '@/components/jobs/job-list'
import { Page } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Jobs' }

export default function JobsPage() {
  return (
    <Page
      title="Jobs"
      description="Files run as several batches within a connection's limits, with failed lines sent again."
      links={[{ href: '/batches/new', icon: PlusCircle, label: 'New batch or job' }]}
    >
      <JobList />
    </Page>
  )
}
