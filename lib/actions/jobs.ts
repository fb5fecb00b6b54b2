'use server'

import { defineAction } from '@/lib/server/actions'
import {
  cancelJob as cancelStoredJob,
  createJob as createStoredJob,
  pauseJob as pauseStoredJob,
  resumeJob as resumeStoredJob,
  retryJobNow,
} from '@/lib/server/jobs'
import { createJobInput, jobIdInput } from '@/lib/validations/jobs'

export const createJob = defineAction(createJobInput, (input) => createStoredJob(input))

export const pauseJob = defineAction(jobIdInput, ({ jobId }) => pauseStoredJob(jobId))

export const resumeJob = defineAction(jobIdInput, ({ jobId }) => resumeStoredJob(jobId))

export const cancelJob = defineAction(jobIdInput, ({ jobId }) => cancelStoredJob(jobId))

export const retryJob = defineAction(jobIdInput, ({ jobId }) => retryJobNow(jobId))
