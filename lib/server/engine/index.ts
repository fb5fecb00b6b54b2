import 'server-only'

export { cancelEngineBatch, createEngineBatch, engineProgressOf, getEngineBatch, type EngineProgress } from './batches'
export { parseCompletionWindow } from './completion-window'
export { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './runner'
export { ENGINE_ACCEPTED_ENDPOINTS, ENGINE_ENDPOINTS } from './endpoints'
export { startScheduler, wakeSchedulers, type Scheduler, type SchedulerOptions } from './scheduler'
export { startSimulator, type Simulator, type SimulatorOptions } from './simulator'
export {
  deleteUpstream,
  getBuiltinSimulator,
  listUpstreams,
  saveUpstream,
  saveUpstreamInput,
  seedUpstreamsFromEnv,
  SIMULATOR_UPSTREAM_NAME,
  upstreamIdInput,
  type SaveUpstreamInput,
  type UpstreamSummary,
} from './upstreams'
