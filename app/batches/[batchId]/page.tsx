import type { Metadata } from 'next'
import { BatchDetailView } from '@/components/batches/batch-detail'

export const metadata: Metadata = { title: 'Batch' }

// An unknown id is a 404 (layout.tsx); everything else is read (and polled) in the browser.
export default async function BatchPage({ params }: { params: Promise<{ batchId: string }> }) {
  const { batchId } = await params
  return <BatchDetailView batchId={batchId} />
}
