import { FileDetailSkeleton } from '@/components/files/file-detail-skeleton'

export default function Loading() {
  return <FileDetailSkeleton />
}
