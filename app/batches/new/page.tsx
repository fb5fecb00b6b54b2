import { Table2 } from 'lucide-react'
import type { Metadata } from 'next'
import { Suspense } from 'react'
import { NewBatchForm } from '@/components/batches/new-batch-form'
import { NewBatchFile } from '@/components/files/new-batch-file'
import { ButtonLink } from '@/components/ui/button-link'
import { PageHeader } from '@/components/ui/page-header'
import { Skeleton } from '@/components/ui/skeleton'

export const metadata: Metadata = { title: 'New batch' }

export default function NewBatchPage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="New batch"
        description="Choose a .jsonl file, pick where it runs, review and start."
        actions={
          <ButtonLink href="/files/build" variant="secondary">
            <Table2 aria-hidden className="size-4" />
            Build one from a table
          </ButtonLink>
        }
      />
      {/* The chosen file is read from the address in the browser, so the page itself stays static. */}
      <Suspense fallback={<Skeleton className="h-72 w-full rounded-xl" />}>
        <NewBatchFile nextStep={<NewBatchForm />} />
      </Suspense>
    </div>
  )
}
