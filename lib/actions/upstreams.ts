'use server'

import { defineAction } from '@/lib/server/actions'
import { deleteAppUpstream, saveAppUpstream, testUpstream as testStoredUpstream } from '@/lib/server/engine/upstream-admin'
import { saveUpstreamInput, upstreamIdInput } from '@/lib/validations/upstreams'

export const saveUpstream = defineAction(saveUpstreamInput, (input) => saveAppUpstream(input))

export const deleteUpstream = defineAction(upstreamIdInput, ({ id }) => deleteAppUpstream(id))

export const testUpstream = defineAction(upstreamIdInput, ({ id }) => testStoredUpstream(id))
