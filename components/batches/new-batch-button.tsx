import { Plus } from 'lucide-react'
import { ButtonLink } from '@/components/ui/button-link'

export function NewBatchButton() {
  return (
    <ButtonLink href="/batches/new">
      <Plus aria-hidden className="size-4" />
      New batch
    </ButtonLink>
  )
}
