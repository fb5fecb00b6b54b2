import type { ResultIndexState } from '@/lib/types'

/** States whose rows can be listed, searched and exported: "live" rows fill in while the engine runs the batch. */
export const isListable = (state: ResultIndexState | undefined) => state === 'ready' || state === 'live'
