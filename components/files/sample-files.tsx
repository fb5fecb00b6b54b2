'use client'

import { FlaskConical } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'

/** Small files in public/samples, for trying the page without a file of one's own. */
export const SAMPLE_FILES = [
  { name: 'chat-completions.jsonl', label: 'Chat completions', description: '20 chat requests to the simulator (sim-chat)' },
  { name: 'embeddings.jsonl', label: 'Embeddings', description: '20 embedding requests to the simulator (sim-embed)' },
  { name: 'image-input.jsonl', label: 'Image input', description: 'Chat requests with image parts (sim-chat)' },
  { name: 'with-errors.jsonl', label: 'With errors', description: 'A file with several kinds of mistakes, to see the report' },
] as const

/** Fetches a sample and hands it to the same check a dropped file goes through. */
export function SampleFiles({ onFile }: { onFile: (file: File) => void }) {
  const [loading, setLoading] = useState<string | null>(null)

  async function trySample(name: string) {
    setLoading(name)
    try {
      const response = await fetch(`/samples/${name}`)
      if (!response.ok) throw new Error(`the server answered ${response.status}`)
      onFile(new File([await response.blob()], name, { type: 'application/jsonl' }))
    } catch (error) {
      toast.error('Could not load the sample', { description: `${error instanceof Error ? error.message : String(error)}. Reload the page and try again.` })
    } finally {
      setLoading(null)
    }
  }

  return (
    <div role="group" aria-labelledby="samples-label" className="flex flex-wrap items-center gap-2 text-sm">
      <span id="samples-label" className="mr-1 inline-flex items-center gap-1.5 text-muted">
        <FlaskConical aria-hidden className="size-4" />
        No file at hand? Try a sample:
      </span>
      {SAMPLE_FILES.map((sample) => (
        <Button
          key={sample.name}
          variant="secondary"
          size="sm"
          title={sample.description}
          disabled={loading !== null}
          onClick={() => void trySample(sample.name)}
        >
          {sample.label}
        </Button>
      ))}
    </div>
  )
}
