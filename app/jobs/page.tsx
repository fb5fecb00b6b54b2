import { PlusCircle } from 'lucide-react'
import type { Metadata } from 'next'
import { JobList } from '@/components/jobs/job-list'
import { ButtonLink } from '@/components/ui/button-link'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Jobs' }

export default function JobsPage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="Jobs"
        description="Files run as several batches within a connection's limits, with failed lines sent again."
        actions={
          <ButtonLink href="/batches/new" variant="secondary">
            <PlusCircle aria-hidden className="size-4" />
            New batch or job
          </ButtonLink>
        }
      />
      <JobList />
    </div>
  )
}
