import { BatchList } from '@/components/batches/batch-list'
import { NewBatchButton } from '@/components/batches/new-batch-button'
import { PageHeader } from '@/components/ui/page-header'

export default function BatchesPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Batches" description="Every batch on every connection, newest first." actions={<NewBatchButton />} />
      <BatchList />
    </div>
  )
}
