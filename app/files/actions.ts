'use server'

import { defineAction } from '@/lib/server/actions'
import { deleteFile as deleteStoredFile } from '@/lib/server/files'
import { abortUpload, appendUploadChunk, completeUpload, startUpload } from '@/lib/server/files/upload'
import { fileIdInput, uploadChunkInput, uploadIdInput, uploadStartInput } from '@/lib/validations/files'

export const startFileUpload = defineAction(uploadStartInput, (input) => startUpload(input))

export const uploadFileChunk = defineAction(uploadChunkInput, (input) => appendUploadChunk(input))

export const completeFileUpload = defineAction(uploadIdInput, ({ uploadId }) => completeUpload(uploadId))

export const cancelFileUpload = defineAction(uploadIdInput, ({ uploadId }) => abortUpload(uploadId))

export const deleteFile = defineAction(fileIdInput, ({ fileId }) => deleteStoredFile(fileId))
