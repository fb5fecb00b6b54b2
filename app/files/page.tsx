import { Upload } from 'lucide-react'
import type { Metadata } from 'next'
import Link from 'next/link'
import { FileList } from '@/components/files/file-list'
import { Button } from '@/components/ui/button'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Files' }

export default function FilesPage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="Files"
        description="Batch input files and the results batches produced."
        actions={
          <Button asChild variant="secondary">
            <Link href="/batches/new">
              <Upload aria-hidden className="size-4" />
              Upload a file
            </Link>
          </Button>
        }
      />
      <FileList />
    </div>
  )
}
