import { Table2 } from 'lucide-react'
import type { Metadata } from 'next'
import { Suspense } from 'react'
import { NewBatchForm } from '@/components/batches/new-batch-form'
import { NewBatchFile } from '@/components/files/new-batch-file'
import { Page } from '@/components/ui/page-header'
import { Skeleton } from '@/components/ui/skeleton'

export const metadata: Metadata = { title: 'New batch' }

export default function NewBatchPage() {
  return (
    <Page
      title="New batch"
      description="Choose a .jsonl file, pick where it runs, review and start."
      links={[{ href: '/files/build', icon: Table2, label: 'Build one from a table' }]}
    >
      {/* The chosen file is read from the address in the browser, so the page itself stays static. */}
      <Suspense fallback={<Skeleton className="h-72 w-full rounded-xl" />}>
        <NewBatchFile nextStep={<NewBatchForm />} />
      </Suspense>
    </Page>
  )
}
