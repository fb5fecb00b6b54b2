import { BatchList } from '@/components/batches/batch-list'
import { NewBatchButton } from '@/components/batches/new-batch-button'
import { PageHeader } from '@/components/ui/page-header'
import { ListSkeleton } from '@/components/ui/skeleton'
import { Suspense } from 'react'

export default function BatchesPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Batches" description="Every batch on every connection: filter, search and sort them." actions={<NewBatchButton />} />
      {/* The list reads its filters from the query string. */}
      <Suspense fallback={<ListSkeleton label="Loading batches" />}>
        <BatchList />
      </Suspense>
    </div>
  )
}
