import type { Metadata } from 'next'
import { ResultsView } from '@/components/results/results-view'

export const metadata: Metadata = { title: 'Job results' }

// An unknown id is a 404 (../layout.tsx).
export default async function JobResultsPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params
  return <ResultsView source={{ kind: 'job', id: jobId }} />
}
