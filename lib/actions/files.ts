'use server'

import { defineAction } from '@/lib/server/actions'
import { deleteFile as deleteStoredFile } from '@/lib/server/files'
import { abortUpload, completeUpload, startUpload } from '@/lib/server/files/upload'
import { fileIdInput, uploadIdInput, uploadStartInput } from '@/lib/validations/files'

export const startFileUpload = defineAction(uploadStartInput, (input) => startUpload(input))

// The chunks themselves go to PUT /api/uploads/{uploadId} (docs/decisions/010-upload-chunks-go-to-a-route.md).
export const completeFileUpload = defineAction(uploadIdInput, ({ uploadId }) => completeUpload(uploadId))

export const cancelFileUpload = defineAction(uploadIdInput, ({ uploadId }) => abortUpload(uploadId))

export const deleteFile = defineAction(fileIdInput, ({ fileId }) => deleteStoredFile(fileId))
