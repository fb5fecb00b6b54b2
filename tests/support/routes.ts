import { NextRequest } from 'next/server'

type RouteHandler = (request: NextRequest, context: { params?: Promise<Record<string, string>> }) => Promise<Response>

type RequestInit = ConstructorParameters<typeof NextRequest>[1]

/** Calls a route handler the way Next does, with a real Request, and returns status and parsed body. */
export async function callRoute(handler: RouteHandler, url: string, params?: Record<string, string>, init?: RequestInit) {
  const response = await handler(new NextRequest(new URL(url, 'http://127.0.0.1'), init), params ? { params: Promise.resolve(params) } : {})
  return { status: response.status, body: (await response.json()) as unknown }
}
