import { Layers3 } from 'lucide-react'
import type { ReactNode } from 'react'
import { Button } from '@/components/ui/button'

/** The login and setup screens: the app's name above one small card, nothing else reachable. */
export function AuthCard({ title, description, children }: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <div className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <span className="flex size-8 items-center justify-center rounded-md bg-accent text-accent-foreground">
            <Layers3 aria-hidden className="size-4" />
          </span>
          Batchboard
        </div>
        <section className="space-y-5 rounded-xl border border-border bg-surface p-6 shadow-sm">
          <div className="space-y-1">
            <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
            <p className="text-sm text-muted">{description}</p>
          </div>
          {children}
        </section>
      </div>
    </div>
  )
}

/** The end of both forms: the server's refusal (if any), then the one submit button, busy while it works. */
export function AuthSubmit({
  general,
  busy,
  icon,
  label,
  busyLabel,
}: {
  general: string | null | undefined
  busy: boolean
  icon: ReactNode
  label: string
  busyLabel: string
}) {
  return (
    <>
      {general ? (
        <p role="alert" className="text-sm text-danger">
          {general}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={busy}>
        {icon}
        {busy ? busyLabel : label}
      </Button>
    </>
  )
}
