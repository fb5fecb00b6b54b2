import { SearchX } from 'lucide-react'
import Link from 'next/link'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'

export function BatchNotFound({ batchId }: { batchId?: string }) {
  return (
    <EmptyState
      icon={SearchX}
      title="Batch not found"
      action={
        <Button asChild variant="secondary">
          <Link href="/">Back to batches</Link>
        </Button>
      }
    >
      There is no batch {batchId ? <>with the id <code className="font-mono">{batchId}</code></> : 'at this address'}. Its record may have been
      deleted; the list shows every batch Batchboard knows.
    </EmptyState>
  )
}
