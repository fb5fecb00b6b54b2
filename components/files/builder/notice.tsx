import { CircleAlert, TriangleAlert } from 'lucide-react'
import type { ReactNode } from 'react'
import type { BuildIssue } from '@/lib/builder'
import { formatNumber } from '@/lib/format'

/** A problem (alert) or a caveat (status) inside a builder section. */
export function Notice({ tone, title, children }: { tone: 'danger' | 'warning'; title: string; children: ReactNode }) {
  const Icon = tone === 'danger' ? CircleAlert : TriangleAlert
  return (
    <div role={tone === 'danger' ? 'alert' : 'status'} className="flex items-start gap-3 rounded-lg border border-border bg-subtle/40 p-3 text-sm">
      <Icon aria-hidden className={tone === 'danger' ? 'mt-0.5 size-4 shrink-0 text-danger' : 'mt-0.5 size-4 shrink-0 text-warning'} />
      <div className="min-w-0">
        <p className="font-medium">{title}</p>
        <div className="mt-0.5 text-muted">{children}</div>
      </div>
    </div>
  )
}

/** The first 20 issues of a build, with how many more there are. */
export function IssueList({ issues, total, title, tone }: { issues: BuildIssue[]; total: number; title: string; tone: 'danger' | 'warning' }) {
  if (issues.length === 0) return null
  return (
    <Notice tone={tone} title={title}>
      <ul className="mt-1 list-disc space-y-0.5 pl-4">
        {issues.slice(0, 20).map((issue, index) => (
          <li key={index}>{issue.message}</li>
        ))}
      </ul>
      {total > Math.min(issues.length, 20) ? <p className="mt-1 text-xs">…and {formatNumber(total - Math.min(issues.length, 20))} more.</p> : null}
    </Notice>
  )
}
