import { receiveOpenAIWebhook } from '@/lib/server/connections/webhooks'
import { toErrorResponse } from '@/lib/server/http/errors'

// Not behind the dashboard's authorisation: OpenAI calls it, and the signature (checked with the SDK) is the proof.
export async function POST(request: Request) {
  try {
    return Response.json(await receiveOpenAIWebhook(await request.text(), request.headers))
  } catch (error) {
    return toErrorResponse(error)
  }
}
