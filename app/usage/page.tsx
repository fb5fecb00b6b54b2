import type { Metadata } from 'next'
import { Suspense } from 'react'
import { UsageDashboard } from '@/components/usage/usage-dashboard'
import { PageHeader } from '@/components/ui/page-header'
import { ListSkeleton } from '@/components/ui/skeleton'

export const metadata: Metadata = { title: 'Usage' }

export default function UsagePage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Usage" description="Tokens and cost per day, model and connection, and what batch pricing saved." />
      {/* The dashboard reads its date range from the query string. */}
      <Suspense fallback={<ListSkeleton rows={3} label="Loading usage" />}>
        <UsageDashboard />
      </Suspense>
    </div>
  )
}
