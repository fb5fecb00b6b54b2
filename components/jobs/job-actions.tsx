'use client'

import { Ban, Pause, Play, RotateCcw } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import type { JobDetail } from '@/lib/jobs/types'
import { useJobAction, type JobAction } from '@/lib/queries/jobs'

const DONE: Record<JobAction, string> = {
  pause: 'Job paused: no new part is submitted; parts already running go on.',
  resume: 'Job resumed.',
  cancel: 'Cancelling the job: running parts are cancelled; lines never run end as cancelled.',
  retry: 'Waiting parts are submitted now.',
}

/** Pause, resume, retry now, and cancel (asks first), as the job's status allows. */
export function JobActions({ job }: { job: JobDetail }) {
  const action = useJobAction(job.id)
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const active = job.status === 'splitting' || job.status === 'running'
  // Pause and Retry now act on a running job only: a split stopped half-way would never resume (pauseJob refuses it).
  const running = job.status === 'running'
  const run = (which: JobAction) =>
    action.mutate(which, {
      onSuccess: () => {
        setConfirming(false)
        toast.success(DONE[which])
      },
      onError: (failure) => (which === 'cancel' ? setError(failure.message) : toast.error('The job did not change', { description: failure.message })),
    })
  return (
    <div className="flex flex-wrap items-center gap-2">
      {running ? (
        <Button variant="secondary" size="sm" onClick={() => run('pause')} disabled={action.isPending}>
          <Pause aria-hidden className="size-4" />
          Pause
        </Button>
      ) : null}
      {job.status === 'paused' ? (
        <Button variant="secondary" size="sm" onClick={() => run('resume')} disabled={action.isPending}>
          <Play aria-hidden className="size-4" />
          Resume
        </Button>
      ) : null}
      {running && job.parts.some((part) => part.status === 'queued') ? (
        <Button variant="secondary" size="sm" onClick={() => run('retry')} disabled={action.isPending}>
          <RotateCcw aria-hidden className="size-4" />
          Retry now
        </Button>
      ) : null}
      {active || job.status === 'paused' ? (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            setError(null)
            setConfirming(true)
          }}
        >
          <Ban aria-hidden className="size-4" />
          Cancel job
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Cancel this job?"
        confirmLabel="Cancel job"
        onConfirm={() => run('cancel')}
        pending={action.isPending}
        error={error}
      >
        <p>Its running batches are cancelled and nothing more is submitted. Lines already answered are kept; the others end as cancelled.</p>
      </ConfirmDialog>
    </div>
  )
}
