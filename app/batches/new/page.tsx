import { FileUp } from 'lucide-react'
import type { Metadata } from 'next'
import { EmptyState } from '@/components/ui/empty-state'
import { PageHeader } from '@/components/ui/page-header'

export const metadata: Metadata = { title: 'New batch' }

export default function NewBatchPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="New batch" description="Choose a .jsonl file, pick where it runs, review and start." />
      <EmptyState icon={FileUp} title="Start from a batch file">
        A batch file is a <code className="font-mono">.jsonl</code> file with one request per line, each with a{' '}
        <code className="font-mono">custom_id</code>, <code className="font-mono">method</code>,{' '}
        <code className="font-mono">url</code> and <code className="font-mono">body</code>, as in OpenAI&apos;s Batch API.
      </EmptyState>
    </div>
  )
}
