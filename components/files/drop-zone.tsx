'use client'

import { FileUp } from 'lucide-react'
import { useEffect, useEffectEvent, useRef, useState, type DragEvent, type ReactNode, type RefObject } from 'react'
import { cn } from '@/components/ui/cn'

const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files')

/** Drag-and-drop handlers for any element that takes a file; `dragging` is true while a file hovers over it. */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false)
  // dragenter and dragleave fire for every child the pointer crosses; count them to know when it really left.
  const depth = useRef(0)
  const dropHandlers = {
    onDragEnter: (event: DragEvent) => {
      if (!carriesFiles(event)) return
      event.preventDefault()
      depth.current++
      setDragging(true)
    },
    onDragOver: (event: DragEvent) => {
      if (!carriesFiles(event)) return
      event.preventDefault()
      event.dataTransfer.dropEffect = 'copy'
    },
    onDragLeave: () => {
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setDragging(false)
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault()
      depth.current = 0
      setDragging(false)
      const files = Array.from(event.dataTransfer.files)
      if (files.length > 0) onFiles(files)
    },
  }
  return { dragging, dropHandlers }
}

/**
 * The hidden file input behind a drop zone's "choose one". Each choice is handed over and the input cleared, so the
 * same file can be chosen again after it was fixed. The input is in the server's HTML, so on a slow load a file can be
 * chosen before the page's script runs, and its change event reaches nobody: such a file is taken up once the page is
 * live.
 */
export function FilePicker({
  ref,
  accept,
  label,
  onFiles,
}: {
  ref: RefObject<HTMLInputElement | null>
  accept: string
  label: string
  onFiles: (files: File[]) => void
}) {
  const take = (input: HTMLInputElement) => {
    const files = Array.from(input.files ?? [])
    input.value = ''
    if (files.length > 0) onFiles(files)
  }
  const takeEarlyChoice = useEffectEvent(() => ref.current && take(ref.current))
  useEffect(() => void takeEarlyChoice(), [])
  return <input ref={ref} type="file" accept={accept} aria-label={label} className="hidden" onChange={(event) => take(event.target)} />
}

/** The big target of an empty New batch page: drop a file on it, or click it (or press Enter) to pick one. */
export function DropZone({ onFiles, onBrowse, hint, label }: { onFiles: (files: File[]) => void; onBrowse: () => void; hint: ReactNode; label?: ReactNode }) {
  const { dragging, dropHandlers } = useFileDrop(onFiles)
  return (
    <button
      type="button"
      onClick={onBrowse}
      aria-describedby="drop-zone-hint"
      {...dropHandlers}
      className={cn(
        'flex w-full flex-col items-center rounded-xl border-2 border-dashed border-border bg-surface px-6 py-12 text-center transition-colors',
        'hover:border-accent/50 hover:bg-subtle/50',
        'focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent focus-visible:ring-offset-2 focus-visible:ring-offset-background focus-visible:outline-none',
        dragging && 'border-accent bg-accent/5 hover:bg-accent/5',
      )}
    >
      <span
        className={cn('flex size-12 items-center justify-center rounded-full bg-subtle text-muted transition-colors', dragging && 'bg-accent/15 text-accent')}
      >
        <FileUp aria-hidden className="size-6" />
      </span>
      <span className="mt-4 text-sm font-medium">
        {dragging ? (
          'Drop it to check it'
        ) : label !== undefined ? (
          label
        ) : (
          <>
            Drop a <code className="font-mono">.jsonl</code> file here, or <span className="text-accent underline-offset-2 hover:underline">choose one</span>
          </>
        )}
      </span>
      <span id="drop-zone-hint" className="mt-1.5 max-w-md text-xs text-muted">
        {hint}
      </span>
    </button>
  )
}
