import { Plus } from 'lucide-react'
import Link from 'next/link'
import { BatchList } from '@/components/batches/batch-list'
import { Button } from '@/components/ui/button'
import { PageHeader } from '@/components/ui/page-header'

export default function BatchesPage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="Batches"
        description="Every batch on every connection, newest first."
        actions={
          <Button asChild>
            <Link href="/batches/new">
              <Plus aria-hidden className="size-4" />
              New batch
            </Link>
          </Button>
        }
      />
      <BatchList />
    </div>
  )
}
