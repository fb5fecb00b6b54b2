import { Skeleton } from '@/components/ui/skeleton'

export function FileDetailSkeleton() {
  return (
    <div role="status" aria-label="Loading the file" className="space-y-6">
      <Skeleton className="h-4 w-16" />
      <div className="space-y-2 border-b border-border pb-5">
        <Skeleton className="h-8 w-72" />
        <Skeleton className="h-4 w-56" />
      </div>
      <Skeleton className="h-28 w-full rounded-xl" />
      <Skeleton className="h-20 w-full rounded-xl" />
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  )
}
