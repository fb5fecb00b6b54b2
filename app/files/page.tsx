import { Table2, Upload } from 'lucide-react'
import type { Metadata } from 'next'
import { FileList } from '@/components/files/file-list'
import { Page } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Files' }

export default function FilesPage() {
  return (
    <Page
      title="Files"
      description="Batch input files and the results batches produced."
      links={[
        { href: '/files/build', icon: Table2, label: 'Build from a table' },
        { href: '/batches/new', icon: Upload, label: 'Upload a file' },
      ]}
    >
      <FileList />
    </Page>
  )
}
