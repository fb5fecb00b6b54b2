import type { LucideIcon } from 'lucide-react'
import type { ReactNode } from 'react'

/** The top of a connection or upstream card: icon, name, where its settings come from, and its base URL. */
export function CardHeading({ icon: Icon, name, baseUrl, fromEnv }: { icon: LucideIcon; name: string; baseUrl: string | null; fromEnv: boolean }) {
  return (
    <>
      <div className="flex items-center gap-2">
        <Icon aria-hidden className="size-4 shrink-0 text-accent" />
        <h3 className="truncate font-medium">{name}</h3>
        {fromEnv ? <span className="ml-auto shrink-0 rounded-full bg-subtle px-2 py-0.5 text-xs text-muted">From environment</span> : null}
      </div>
      <p className="mt-1 font-mono text-xs break-all text-muted">{baseUrl}</p>
    </>
  )
}

export function SettingRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-2 py-1.5">
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  )
}
