import type { Metadata } from 'next'
import { BatchBuilder } from '@/components/files/builder/batch-builder'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'Build a batch file' }

export default function BuildBatchFilePage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="Build a batch file"
        description="From a table and a prompt template to a checked .jsonl, one request per row; answers can be joined back to the table."
      />
      <BatchBuilder />
    </div>
  )
}
