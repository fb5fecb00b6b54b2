import { SearchX } from 'lucide-react'
import { ButtonLink } from '@/components/ui/button-link'
import { EmptyState } from '@/components/ui/empty-state'

export function BatchNotFound({ batchId }: { batchId?: string }) {
  return (
    <EmptyState
      icon={SearchX}
      title="Batch not found"
      action={
        <ButtonLink href="/" variant="secondary">
          Back to batches
        </ButtonLink>
      }
    >
      There is no batch{' '}
      {batchId ? (
        <>
          with the id <code className="font-mono">{batchId}</code>
        </>
      ) : (
        'at this address'
      )}
      . Its record may have been deleted; the list shows every batch Batchboard knows.
    </EmptyState>
  )
}
