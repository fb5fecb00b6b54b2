import { TriangleAlert } from 'lucide-react'

/** Shown on every page while BATCHBOARD_AUTH=off: anyone who can reach the port has the keys. */
export function AuthOffBanner() {
  return (
    <div role="alert" className="mb-6 flex items-start gap-2 rounded-lg border border-warning/50 bg-warning/15 px-4 py-2.5 text-sm">
      <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
      <p>
        <span className="font-medium">Authentication is off</span> (BATCHBOARD_AUTH=off): anyone who can reach this server can use it. That is allowed only on
        127.0.0.1; remove the variable to require the admin password.
      </p>
    </div>
  )
}
