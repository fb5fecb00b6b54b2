'use client'

import { useId } from 'react'
import { Controller, useWatch } from 'react-hook-form'
import { Card } from '@/components/ui/card'
import { Field } from '@/components/ui/field'
import { TextField } from '@/components/ui/input'
import { Select } from '@/components/ui/select'
import { ENDPOINT_FEATURES } from '@/lib/builder'
import { BUILDER_ENDPOINTS, type BuilderEndpoint } from '@/lib/validations/builder'
import type { BuilderForm } from './builder-form'
import { DEFAULT_MODELS, ENDPOINT_LABELS } from './endpoints'
import { TemplateField } from './template-field'

const MAX_TOKENS_PARAMETER: Partial<Record<BuilderEndpoint, string>> = { '/v1/chat/completions': 'max_completion_tokens', '/v1/responses': 'max_output_tokens' }

/** Step 2: endpoint, model, prompt templates and parameters, a form whose every change rebuilds the preview. */
export function RequestSettings({ form, columns }: { form: BuilderForm; columns: string[] }) {
  const { register, errorOf, getValues, setValue, control } = form
  const [endpoint, imageColumn, customIdColumn] = useWatch({ control, name: ['endpoint', 'imageColumn', 'customIdColumn'] })
  const features = ENDPOINT_FEATURES[endpoint]
  const id = useId()
  return (
    <Card title="2. Requests" id="requests-heading">
      <div className="space-y-5">
        <div className="grid gap-4 md:grid-cols-2">
          <Field id={`${id}-endpoint`} label="Endpoint">
            {(field) => (
              <Select
                {...field}
                {...register('endpoint', {
                  // The form holds the new endpoint by now. A model left at the old endpoint's default follows it; one the user typed stays.
                  onChange: () => {
                    const model = getValues('model')
                    if (Object.values(DEFAULT_MODELS).includes(model) || model === '')
                      setValue('model', DEFAULT_MODELS[getValues('endpoint')], { shouldValidate: true })
                  },
                })}
                className="w-full bg-background"
              >
                {BUILDER_ENDPOINTS.map((value) => (
                  <option key={value} value={value}>
                    {ENDPOINT_LABELS[value]} ({value})
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <TextField
            id={`${id}-model`}
            label="Model"
            {...register('model')}
            error={errorOf('model')}
            hint="Every request in a batch uses the same model. On the built-in engine, sim-chat runs on the simulator."
          />
        </div>
        {features.systemPrompt ? (
          <Controller
            control={control}
            name="systemPrompt"
            render={({ field }) => (
              <TemplateField
                id={`${id}-system`}
                label="System prompt"
                rows={2}
                value={field.value}
                columns={columns}
                onChange={field.onChange}
                hint="Optional. Instructions sent with every request; it may use {{columns}} too."
              />
            )}
          />
        ) : null}
        <Controller
          control={control}
          name="userPrompt"
          render={({ field }) => (
            <TemplateField
              id={`${id}-user`}
              label={endpoint === '/v1/embeddings' || endpoint === '/v1/moderations' ? 'Input template' : 'User prompt'}
              value={field.value}
              columns={columns}
              onChange={field.onChange}
              hint="Write {{column}} where a row's value goes, or click a column below."
            />
          )}
        />
        <div className="grid gap-4 md:grid-cols-2">
          <Field id={`${id}-custom-id`} label="custom_id" hint="Each request's id in the results. A column must hold a unique value in every row.">
            {(field) => (
              <Select {...field} {...register('customIdColumn')} className="w-full bg-background">
                <ColumnOptions none="Row number (row-1, row-2, …)" columns={columns} value={customIdColumn} />
              </Select>
            )}
          </Field>
          {features.image ? (
            <Field id={`${id}-image`} label="Image column" hint="Image URLs (https://…) or data URLs; each becomes an image part of the request.">
              {(field) => (
                <Select {...field} {...register('imageColumn')} className="w-full bg-background">
                  <ColumnOptions none="No image" columns={columns} value={imageColumn} />
                </Select>
              )}
            </Field>
          ) : null}
        </div>
        {features.temperature || features.maxTokens ? (
          <div className="grid gap-4 md:grid-cols-2">
            {features.temperature ? (
              <TextField
                id={`${id}-temperature`}
                label="Temperature"
                type="number"
                inputMode="decimal"
                step="0.1"
                min={0}
                max={2}
                {...register('temperature')}
                error={errorOf('temperature')}
                hint="0 to 2; empty uses the model's default."
              />
            ) : null}
            {features.maxTokens ? (
              <TextField
                id={`${id}-max-tokens`}
                label="Max output tokens"
                type="number"
                inputMode="numeric"
                step="1"
                min={1}
                {...register('maxTokens')}
                error={errorOf('maxTokens')}
                hint={`Sent as ${MAX_TOKENS_PARAMETER[endpoint] ?? 'max_tokens'}; empty sets no cap.`}
              />
            ) : null}
          </div>
        ) : null}
        {features.jsonSchema ? (
          <Field
            id={`${id}-schema`}
            label="Structured output (JSON Schema)"
            error={errorOf('jsonSchema')}
            hint="Optional. The answer must match it; the table export then has one column per top-level field."
          >
            {(field) => (
              <textarea
                {...field}
                {...register('jsonSchema')}
                rows={3}
                spellCheck={false}
                placeholder='{"type": "object", "properties": {"sentiment": {"type": "string"}}, "required": ["sentiment"], "additionalProperties": false}'
                className="w-full rounded-md border border-border bg-background px-3 py-2 font-mono text-xs focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none"
              />
            )}
          </Field>
        ) : null}
      </div>
    </Card>
  )
}

/** "None" first, then the table's columns, and a chosen column this table lacks (from a saved template) kept visible. */
function ColumnOptions({ none, columns, value }: { none: string; columns: string[]; value: string }) {
  return (
    <>
      <option value="">{none}</option>
      {columns.map((column) => (
        <option key={column} value={column}>
          {column}
        </option>
      ))}
      {value !== '' && !columns.includes(value) ? <option value={value}>{value} (not in this table)</option> : null}
    </>
  )
}
