'use client'

import { useMemo } from 'react'
import { useWatch } from 'react-hook-form'
import { useZodForm } from '@/components/ui/use-zod-form'
import { buildConfigSchema, DEFAULT_BUILD_CONFIG, type BuildConfig, type BuilderEndpoint } from '@/lib/validations/builder'
import { DEFAULT_MODELS } from './endpoints'

/** What the request settings hold: text as typed ('' for "none" and "no value"), turned into a BuildConfig by `toBuildConfig`. */
export type BuilderValues = {
  endpoint: BuilderEndpoint
  model: string
  systemPrompt: string
  userPrompt: string
  imageColumn: string
  temperature: string
  maxTokens: string
  jsonSchema: string
  customIdColumn: string
}

const text = (value: number | null) => (value === null ? '' : String(value))
const column = (value: string) => (value === '' ? null : value)

/** A number while the text is one; "0." on the way to "0.5" (or any text the schema will flag) counts as no value. */
function numberOrNull(value: string): number | null {
  const number = value.trim() === '' ? null : Number(value)
  return number !== null && Number.isFinite(number) ? number : null
}

export function builderValues(config: BuildConfig): BuilderValues {
  return {
    ...config,
    imageColumn: config.imageColumn ?? '',
    customIdColumn: config.customIdColumn ?? '',
    temperature: text(config.temperature),
    maxTokens: text(config.maxTokens),
  }
}

/** The schema's input: numbers the schema can refuse ("5" for temperature), NaN for text that is no number at all. */
function toInput(values: BuilderValues) {
  const number = (value: string) => (value.trim() === '' ? null : Number(value))
  return {
    ...values,
    imageColumn: column(values.imageColumn),
    customIdColumn: column(values.customIdColumn),
    temperature: number(values.temperature),
    maxTokens: number(values.maxTokens),
  }
}

/** What the preview is built from: as typed, with a number field that does not parse yet left out. */
export function toBuildConfig(values: BuilderValues): BuildConfig {
  const maxTokens = numberOrNull(values.maxTokens)
  return {
    ...values,
    imageColumn: column(values.imageColumn),
    customIdColumn: column(values.customIdColumn),
    temperature: numberOrNull(values.temperature),
    maxTokens: maxTokens === null ? null : Math.round(maxTokens),
  }
}

const DEFAULT_VALUES = builderValues({ ...DEFAULT_BUILD_CONFIG, model: DEFAULT_MODELS['/v1/chat/completions'] })

/**
 * The builder's request settings as a form (decision 037): fields show the shared schema's errors as any form does,
 * and `config`, rebuilt from the watched values, drives the live preview on every change.
 */
export function useBuilderForm() {
  const form = useZodForm({ schema: buildConfigSchema, defaultValues: DEFAULT_VALUES, toInput })
  const watched = useWatch({ control: form.control })
  const config = useMemo(() => toBuildConfig({ ...DEFAULT_VALUES, ...watched }), [watched])
  return { form, config }
}

export type BuilderForm = ReturnType<typeof useBuilderForm>['form']
