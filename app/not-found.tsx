import { SearchX } from 'lucide-react'
import Link from 'next/link'
import { Button } from '@/components/ui/button'
import { EmptyState } from '@/components/ui/empty-state'

export default function NotFound() {
  return (
    <EmptyState
      icon={SearchX}
      title="Page not found"
      action={
        <Button asChild variant="secondary">
          <Link href="/">Back to batches</Link>
        </Button>
      }
    >
      There is nothing at this address. It may have been a batch or file that was deleted.
    </EmptyState>
  )
}
