import { Table2, Upload } from 'lucide-react'
import type { Metadata } from 'next'
import { FileList } from '@/components/files/file-list'
import { ButtonLink } from '@/components/ui/button-link'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Files' }

export default function FilesPage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="Files"
        description="Batch input files and the results batches produced."
        actions={
          <>
            <ButtonLink href="/files/build" variant="secondary">
              <Table2 aria-hidden className="size-4" />
              Build from a table
            </ButtonLink>
            <ButtonLink href="/batches/new" variant="secondary">
              <Upload aria-hidden className="size-4" />
              Upload a file
            </ButtonLink>
          </>
        }
      />
      <FileList />
    </div>
  )
}
