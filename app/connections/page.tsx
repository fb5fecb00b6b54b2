import type { Metadata } from 'next'
import { ConnectionList } from '@/components/connections/connection-list'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Connections' }

export default function ConnectionsPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Connections" description="Where batches run: the built-in engine, OpenAI, or any OpenAI-compatible batch API." />
      <ConnectionList />
    </div>
  )
}
