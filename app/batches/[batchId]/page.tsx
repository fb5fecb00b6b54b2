import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { BatchDetailView } from '@/components/batches/batch-detail'
import { requirePageSession } from '@/lib/server/auth'
import { batchExists } from '@/lib/server/batches'

export const metadata: Metadata = { title: 'Batch' }

export default async function BatchPage({ params }: { params: Promise<{ batchId: string }> }) {
  await requirePageSession()
  const { batchId } = await params
  // An unknown id is a 404 page; everything else is read (and polled) in the browser.
  if (!(await batchExists(batchId))) notFound()
  return <BatchDetailView batchId={batchId} />
}
