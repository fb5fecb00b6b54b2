import { BarChart3 } from 'lucide-react'
import type { Metadata } from 'next'
import { ButtonLink } from '@/components/ui/button-link'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Usage' }

export default function UsagePage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Usage" description="Tokens and cost per day, model and connection, and what batch pricing saved." />
      <EmptyState
        icon={BarChart3}
        title="No usage yet"
        action={
          <ButtonLink href="/batches/new" variant="secondary">Run a batch</ButtonLink>
        }
      >
        Token counts and cost appear here once a batch has run.
      </EmptyState>
    </div>
  )
}
