import { receiveOpenAIWebhook } from '@/lib/server/connections/webhooks'
import { defineRoute } from '@/lib/server/http/route'

// Public: OpenAI calls it without a session, and the signature (checked with the SDK) is the proof.
export const POST = defineRoute({ public: true }, async ({ request }) => receiveOpenAIWebhook(await request.text(), request.headers))
