import { Plus } from 'lucide-react'
import Link from 'next/link'
import { Button } from '@/components/ui/button'

export function NewBatchButton() {
  return (
    <Button asChild>
      <Link href="/batches/new">
        <Plus aria-hidden className="size-4" />
        New batch
      </Link>
    </Button>
  )
}
