import { z } from 'zod'

export const fileListQuery = z.object({
  purpose: z.enum(['batch', 'batch_output']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
})

export type FileListQuery = z.infer<typeof fileListQuery>

export const SHA256_HEX = /^[0-9a-f]{64}$/

export const uploadStartInput = z.object({
  filename: z
    .string()
    .trim()
    .min(1, 'give the file a name')
    .max(255, 'use a name of at most 255 characters')
    .refine((name) => !/[/\\\0]/.test(name), 'a file name may not contain slashes or NUL')
    // OpenAI rejects batch uploads whose name does not end in .jsonl (https://platform.openai.com/docs/api-reference/files/create).
    .refine((name) => name.toLowerCase().endsWith('.jsonl'), 'a batch file must be a .jsonl file'),
  bytes: z.number().int().min(1, 'the file is empty').max(Number.MAX_SAFE_INTEGER),
  sha256: z.string().regex(SHA256_HEX).optional(),
})

export type UploadStartInput = z.infer<typeof uploadStartInput>

export const uploadIdInput = z.object({ uploadId: z.string().regex(/^upl_[0-9A-Za-z]{24}$/, 'not an upload id') })

/** A chunk's bytes are the request body of `PUT /api/uploads/{uploadId}?offset=N`. */
export const uploadChunkQuery = z.object({ offset: z.coerce.number().int().min(0) })

export const fileIdInput = z.object({ fileId: z.string().regex(/^file-[0-9A-Za-z]{1,64}$/, 'not a file id') })

/** New batch's check of a file's lines against a connection's translator (Anthropic, Gemini). */
export const providerCheckQuery = z.object({ connectionId: z.string().min(1).max(100) })

export const filePreviewQuery = z.object({
  /** The first line to show, 1-based, as the validator numbers lines. */
  from: z.coerce.number().int().min(1).max(10_000_000).default(1),
  lines: z.coerce.number().int().min(1).max(200).default(20),
})
