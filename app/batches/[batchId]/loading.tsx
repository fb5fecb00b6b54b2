import { BatchDetailSkeleton } from '@/components/batches/batch-detail-skeleton'

export default function Loading() {
  return <BatchDetailSkeleton />
}
