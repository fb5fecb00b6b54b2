import { Skeleton } from '@/components/ui/skeleton'

export function BatchDetailSkeleton() {
  return (
    <div role="status" aria-label="Loading the batch" className="space-y-6">
      <div className="space-y-3 border-b border-border pb-5">
        <Skeleton className="h-4 w-20" />
        <Skeleton className="h-8 w-1/2" />
        <Skeleton className="h-4 w-1/3" />
      </div>
      <Skeleton className="h-28 w-full rounded-xl" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-56 w-full rounded-xl" />
        <Skeleton className="h-56 w-full rounded-xl" />
      </div>
      <Skeleton className="h-40 w-full rounded-xl" />
    </div>
  )
}
