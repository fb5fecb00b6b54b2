import { z } from 'zod'

/**
 * 12 characters, no composition rules: OWASP ASVS 4.0 (2.1.1) asks for at least 12, and NIST SP 800-63B says
 * length, not character classes, is what resists guessing. 1,024 bounds the work one hash request costs.
 */
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 1024

export const newPasswordSchema = z
  .string({ error: 'Enter a password.' })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a strong, memorable one.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`)

export const setupInput = z
  .object({ password: newPasswordSchema, confirm: z.string({ error: 'Repeat the password.' }).max(PASSWORD_MAX_LENGTH) })
  .strict()
  .refine((value) => value.password === value.confirm, { message: 'The two passwords differ. Type the same password twice.', path: ['confirm'] })

export const loginInput = z
  .object({
    password: z
      .string({ error: 'Enter the password.' })
      .min(1, 'Enter the password.')
      .max(PASSWORD_MAX_LENGTH, `Passwords are at most ${PASSWORD_MAX_LENGTH} characters.`),
  })
  .strict()

export type SetupInput = z.infer<typeof setupInput>
export type LoginInput = z.infer<typeof loginInput>
