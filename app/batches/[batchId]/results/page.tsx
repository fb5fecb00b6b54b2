import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { ResultsView } from '@/components/results/results-view'
import { batchExists } from '@/lib/server/batches'

export const metadata: Metadata = { title: 'Results' }

export default async function BatchResultsPage({ params }: { params: Promise<{ batchId: string }> }) {
  const { batchId } = await params
  if (!(await batchExists(batchId))) notFound()
  return <ResultsView source={{ kind: 'batch', id: batchId }} />
}
