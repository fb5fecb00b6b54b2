import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { cancelJob, createJob, pauseJob, resumeJob, retryJob } from '@/lib/actions/jobs'
import type { JobDetail, JobSummary } from '@/lib/jobs/types'
import type { CreateJobInput, JobStatus } from '@/lib/validations/jobs'
import { unwrap } from './actions'
import { fetchJson } from './fetch-json'

const ENDED: ReadonlySet<JobStatus> = new Set(['completed', 'cancelled', 'failed'])
export const isJobEnded = (status: JobStatus) => ENDED.has(status)

const POLL_MS = 2_000

export const jobKeys = {
  all: ['jobs'] as const,
  list: () => [...jobKeys.all, 'list'] as const,
  detail: (jobId: string) => [...jobKeys.all, 'detail', jobId] as const,
}

export const jobQueries = {
  list: () =>
    queryOptions({
      queryKey: jobKeys.list(),
      queryFn: ({ signal }) => fetchJson<JobSummary[]>('/api/jobs', { signal }),
      refetchInterval: (query) => (query.state.data?.some((job) => !isJobEnded(job.status)) ? POLL_MS : false),
    }),
  detail: (jobId: string) =>
    queryOptions({
      queryKey: jobKeys.detail(jobId),
      queryFn: ({ signal }) => fetchJson<JobDetail>(`/api/jobs/${encodeURIComponent(jobId)}`, { signal }),
      refetchInterval: (query) => (query.state.error || (query.state.data && isJobEnded(query.state.data.status)) ? false : POLL_MS),
    }),
}

export const useJobs = () => useQuery(jobQueries.list())
export const useJob = (jobId: string | null) => useQuery({ ...jobQueries.detail(jobId ?? ''), enabled: jobId !== null })

export function useCreateJob() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: CreateJobInput) => unwrap(await createJob(input)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: jobKeys.all }),
  })
}

const JOB_ACTIONS = { pause: pauseJob, resume: resumeJob, cancel: cancelJob, retry: retryJob } as const
export type JobAction = keyof typeof JOB_ACTIONS

/** Pause, resume, cancel or retry now: each answers the job's new state, and the job's queries refresh. */
export function useJobAction(jobId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (action: JobAction) => unwrap(await JOB_ACTIONS[action]({ jobId })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobKeys.all }),
  })
}
