'use client'

import { useMemo, useRef } from 'react'
import { compileTemplate, unknownPlaceholders } from '@/lib/builder'

type TemplateFieldProps = {
  id: string
  label: string
  hint: string
  value: string
  columns: readonly string[]
  rows?: number
  onChange: (value: string) => void
}

/** A prompt template: {{column}} placeholders, buttons that insert a column, and unknown names flagged as you type. */
export function TemplateField({ id, label, hint, value, columns, rows = 4, onChange }: TemplateFieldProps) {
  const area = useRef<HTMLTextAreaElement>(null)
  const unknown = useMemo(() => [...new Set(unknownPlaceholders(compileTemplate(value), columns).map((part) => part.name))], [value, columns])
  const errorId = `${id}-error`

  function insert(column: string) {
    const element = area.current
    const at = element?.selectionStart ?? value.length
    const end = element?.selectionEnd ?? at
    const text = `{{${column}}}`
    onChange(value.slice(0, at) + text + value.slice(end))
    requestAnimationFrame(() => {
      element?.focus()
      element?.setSelectionRange(at + text.length, at + text.length)
    })
  }

  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <textarea
        ref={area}
        id={id}
        rows={rows}
        value={value}
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={unknown.length > 0 ? true : undefined}
        aria-describedby={unknown.length > 0 ? errorId : `${id}-hint`}
        className="w-full rounded-md border border-border bg-background px-3 py-2 font-mono text-sm focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none aria-invalid:border-danger"
      />
      {unknown.length > 0 ? (
        <p id={errorId} role="alert" className="text-xs text-danger">
          No column named {unknown.map((name) => `{{${name}}}`).join(', ')}. Columns: {columns.join(', ')}.
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Insert a column into the ${label.toLowerCase()}`}>
        {columns.map((column) => (
          <button
            key={column}
            type="button"
            onClick={() => insert(column)}
            className="rounded-full border border-border bg-surface px-2 py-0.5 font-mono text-xs text-muted hover:bg-subtle hover:text-foreground focus-visible:ring-2 focus-visible:ring-accent focus-visible:outline-none"
          >
            {`{{${column}}}`}
          </button>
        ))}
      </div>
    </div>
  )
}
