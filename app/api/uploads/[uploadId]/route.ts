import { writeUploadChunk } from '@/lib/server/files/upload'
import { defineRoute } from '@/lib/server/http/route'
import { uploadChunkQuery, uploadIdInput } from '@/lib/validations/files'

// A chunk is a route's raw body, not a server action's argument: actions parse their body into in-memory Blobs that
// the garbage collector does not see, so a 200 MB upload grew the server by 300 MB (docs/decisions/010-upload-chunks-go-to-a-route.md).
export const PUT = defineRoute({ params: uploadIdInput, query: uploadChunkQuery }, ({ request, params, query }) =>
  writeUploadChunk(params.uploadId, query.offset, request.body),
)
