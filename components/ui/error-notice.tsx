import { CircleAlert } from 'lucide-react'

export function ErrorNotice({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm">
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{title}</p>
        <p className="mt-0.5 text-muted">{message}</p>
      </div>
      {onRetry ? (
        <button type="button" onClick={onRetry} className="font-medium text-accent hover:underline">
          Try again
        </button>
      ) : null}
    </div>
  )
}
