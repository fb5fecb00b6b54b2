import { routeModel } from '@/lib/server/engine/upstreams'
import { defineRoute } from '@/lib/server/http/route'
import { modelRouteQuery } from '@/lib/validations/upstreams'

// Which upstream would take a model: the engine's own rule, without starting the simulator.
export const GET = defineRoute({ query: modelRouteQuery }, ({ query }) => routeModel(query.model))
