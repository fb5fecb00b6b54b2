import { SearchX } from 'lucide-react'
import { ButtonLink } from '@/components/ui/button-link'
import { EmptyState } from '@/components/ui/empty-state'

export default function NotFound() {
  return (
    <EmptyState
      icon={SearchX}
      title="Page not found"
      action={
        <ButtonLink href="/" variant="secondary">
          Back to batches
        </ButtonLink>
      }
    >
      There is nothing at this address. It may have been a batch or file that was deleted.
    </EmptyState>
  )
}
