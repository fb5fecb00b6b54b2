import { useMutation } from '@tanstack/react-query'
import { logIn, logOut, setUpAdmin } from '@/lib/actions/auth'
import type { LoginInput, SetupInput } from '@/lib/validations/auth'
import { unwrap } from './actions'

// Each ends in a full page load: the root layout decides between the bare and the full shell on the server.
const goTo = (path: string) => window.location.assign(path)

export const useLogin = (next: string) => useMutation({ mutationFn: async (input: LoginInput) => unwrap(await logIn(input)), onSuccess: () => goTo(next) })

export const useSetup = () => useMutation({ mutationFn: async (input: SetupInput) => unwrap(await setUpAdmin(input)), onSuccess: () => goTo('/') })

export const useLogout = () => useMutation({ mutationFn: async () => unwrap(await logOut({})), onSuccess: () => goTo('/login') })
