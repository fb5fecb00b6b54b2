import { receiveOpenAIWebhook } from '@/lib/server/connections/webhooks'
import { toErrorResponse } from '@/lib/server/http/errors'
import { observeRequest } from '@/lib/server/http/observe'

// Not behind the dashboard's authorisation: OpenAI calls it, and the signature (checked with the SDK) is the proof.
export async function POST(request: Request) {
  const startedAt = performance.now()
  let response: Response
  try {
    response = Response.json(await receiveOpenAIWebhook(await request.text(), request.headers))
  } catch (error) {
    response = toErrorResponse(error)
  }
  observeRequest({ method: 'POST', route: '/api/webhooks/openai', status: response.status, startedAt })
  return response
}
