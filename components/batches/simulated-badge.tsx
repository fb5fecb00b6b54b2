import { FlaskConical } from 'lucide-react'

/** Marks results that came from the built-in simulator, so nobody mistakes its made-up answers for a model's. */
export function SimulatedBadge() {
  return (
    <span
      title="Answered by Batchboard's built-in simulator: deterministic made-up text, not a model. Add an upstream under Connections → Built-in engine to run real models."
      className="inline-flex items-center gap-1 rounded-full border border-dashed border-warning/60 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-warning"
    >
      <FlaskConical aria-hidden className="size-3" />
      Simulated
    </span>
  )
}
