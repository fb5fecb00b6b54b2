import { z } from 'zod'

/**
 * `status=completed,failed`: one or several known values, comma-separated (one parameter keeps URLs short and
 * shareable); repeats and blanks drop out, an unknown value is refused by name with the ones that exist.
 */
export function commaList<T extends string>(options: { max: number; noun: string; values: readonly T[]; isValue: (value: string) => value is T }) {
  return z
    .string()
    .max(options.max)
    .transform((text, context) => {
      const values = [
        ...new Set(
          text
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== ''),
        ),
      ]
      const unknown = values.filter((value) => !options.isValue(value))
      if (unknown.length > 0)
        context.addIssue({ code: 'custom', message: `'${unknown.join("', '")}' is not ${options.noun}; use ${options.values.join(', ')}` })
      return values.filter(options.isValue)
    })
}
