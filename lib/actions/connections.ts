'use server'

import { defineAction } from '@/lib/server/actions'
import { deleteAppConnection, getConnection, saveAppConnection, testConnection as testStoredConnection } from '@/lib/server/connections'
import { saveBuiltinLimits as saveStoredBuiltinLimits } from '@/lib/server/connections/builtin-limits'
import { connectionIdInput, connectionLimitsInput, saveConnectionInput } from '@/lib/validations/connections'

export const saveConnection = defineAction(saveConnectionInput, (input) => saveAppConnection(input))

export const saveBuiltinLimits = defineAction(connectionLimitsInput, (input) => saveStoredBuiltinLimits(input))

export const deleteConnection = defineAction(connectionIdInput, ({ id }) => deleteAppConnection(id))

export const testConnection = defineAction(connectionIdInput, ({ id }) => testStoredConnection(id))

export const importBatches = defineAction(connectionIdInput, async ({ id }) => (await getConnection(id)).importBatches())
