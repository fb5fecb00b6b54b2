'use server'

import { z } from 'zod'
import { definePublicAction } from '@/lib/server/actions'
import { login, logout, setupAdmin } from '@/lib/server/auth'
import { loginInput, setupInput } from '@/lib/validations/auth'

// Logging in and the first-run setup (once) are the only actions without a session, with logging out.
export const logIn = definePublicAction(loginInput, (input) => login(input))

export const setUpAdmin = definePublicAction(setupInput, (input) => setupAdmin(input))

// Public too: logging out with an expired session must still clear the cookie; it only ends the caller's own session.
export const logOut = definePublicAction(z.object({}).strict(), () => logout())
