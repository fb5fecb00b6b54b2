'use client'

import { useId, useState } from 'react'
import { Card } from '@/components/ui/card'
import { TextField } from '@/components/ui/input'
import { Select } from '@/components/ui/select'
import { ENDPOINT_FEATURES } from '@/lib/builder'
import { BUILDER_ENDPOINTS, type BuildConfig, type BuilderEndpoint } from '@/lib/validations/builder'
import { DEFAULT_MODELS, ENDPOINT_LABELS } from './endpoints'
import { TemplateField } from './template-field'

/** Step 2: endpoint, model, prompt templates and parameters; every change rebuilds the preview. */
export function RequestSettings({ config, columns, onChange }: { config: BuildConfig; columns: string[]; onChange: (change: Partial<BuildConfig>) => void }) {
  const features = ENDPOINT_FEATURES[config.endpoint]
  const id = useId()
  return (
    <Card title="2. Requests" id="requests-heading">
      <div className="space-y-5">
        <div className="grid gap-4 md:grid-cols-2">
          <div className="space-y-1.5">
            <label htmlFor={`${id}-endpoint`} className="block text-sm font-medium">
              Endpoint
            </label>
            <Select
              id={`${id}-endpoint`}
              value={config.endpoint}
              className="w-full bg-background"
              onChange={(event) => {
                const endpoint = event.target.value as BuilderEndpoint
                // A model left at the old endpoint's default follows the endpoint; one the user typed stays.
                const model = Object.values(DEFAULT_MODELS).includes(config.model) || config.model === '' ? DEFAULT_MODELS[endpoint] : config.model
                onChange({ endpoint, model })
              }}
            >
              {BUILDER_ENDPOINTS.map((endpoint) => (
                <option key={endpoint} value={endpoint}>
                  {ENDPOINT_LABELS[endpoint]} ({endpoint})
                </option>
              ))}
            </Select>
          </div>
          <TextField
            id={`${id}-model`}
            label="Model"
            value={config.model}
            onChange={(event) => onChange({ model: event.target.value })}
            hint="Every request in a batch uses the same model. On the built-in engine, sim-chat runs on the simulator."
          />
        </div>
        {features.systemPrompt ? (
          <TemplateField
            id={`${id}-system`}
            label="System prompt"
            rows={2}
            value={config.systemPrompt}
            columns={columns}
            onChange={(systemPrompt) => onChange({ systemPrompt })}
            hint="Optional. Instructions sent with every request; it may use {{columns}} too."
          />
        ) : null}
        <TemplateField
          id={`${id}-user`}
          label={config.endpoint === '/v1/embeddings' || config.endpoint === '/v1/moderations' ? 'Input template' : 'User prompt'}
          value={config.userPrompt}
          columns={columns}
          onChange={(userPrompt) => onChange({ userPrompt })}
          hint="Write {{column}} where a row's value goes, or click a column below."
        />
        <div className="grid gap-4 md:grid-cols-2">
          <ColumnSelect
            id={`${id}-custom-id`}
            label="custom_id"
            value={config.customIdColumn}
            columns={columns}
            none="Row number (row-1, row-2, …)"
            hint="Each request's id in the results. A column must hold a unique value in every row."
            onChange={(customIdColumn) => onChange({ customIdColumn })}
          />
          {features.image ? (
            <ColumnSelect
              id={`${id}-image`}
              label="Image column"
              value={config.imageColumn}
              columns={columns}
              none="No image"
              hint="Image URLs (https://…) or data URLs; each becomes an image part of the request."
              onChange={(imageColumn) => onChange({ imageColumn })}
            />
          ) : null}
        </div>
        {features.temperature || features.maxTokens ? (
          <div className="grid gap-4 md:grid-cols-2">
            {features.temperature ? (
              <NumberField
                id={`${id}-temperature`}
                label="Temperature"
                step="0.1"
                min={0}
                max={2}
                value={config.temperature}
                onChange={(temperature) => onChange({ temperature })}
                hint="0 to 2; empty uses the model's default."
              />
            ) : null}
            {features.maxTokens ? (
              <NumberField
                id={`${id}-max-tokens`}
                label="Max output tokens"
                step="1"
                min={1}
                value={config.maxTokens}
                onChange={(maxTokens) => onChange({ maxTokens: maxTokens === null ? null : Math.round(maxTokens) })}
                hint={`Sent as ${config.endpoint === '/v1/chat/completions' ? 'max_completion_tokens' : config.endpoint === '/v1/responses' ? 'max_output_tokens' : 'max_tokens'}; empty sets no cap.`}
              />
            ) : null}
          </div>
        ) : null}
        {features.jsonSchema ? (
          <div className="space-y-1.5">
            <label htmlFor={`${id}-schema`} className="block text-sm font-medium">
              Structured output (JSON Schema)
            </label>
            <textarea
              id={`${id}-schema`}
              rows={3}
              value={config.jsonSchema}
              spellCheck={false}
              placeholder='{"type": "object", "properties": {"sentiment": {"type": "string"}}, "required": ["sentiment"], "additionalProperties": false}'
              onChange={(event) => onChange({ jsonSchema: event.target.value })}
              className="w-full rounded-md border border-border bg-background px-3 py-2 font-mono text-xs focus-visible:border-accent focus-visible:ring-2 focus-visible:ring-accent/30 focus-visible:outline-none"
            />
            <p className="text-xs text-muted">Optional. The answer must match it; the table export then has one column per top-level field.</p>
          </div>
        ) : null}
      </div>
    </Card>
  )
}

function ColumnSelect(props: {
  id: string
  label: string
  value: string | null
  columns: string[]
  none: string
  hint: string
  onChange: (value: string | null) => void
}) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <Select
        id={props.id}
        value={props.value ?? ''}
        className="w-full bg-background"
        onChange={(event) => props.onChange(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">{props.none}</option>
        {props.columns.map((column) => (
          <option key={column} value={column}>
            {column}
          </option>
        ))}
        {props.value !== null && !props.columns.includes(props.value) ? <option value={props.value}>{props.value} (not in this table)</option> : null}
      </Select>
      <p className="text-xs text-muted">{props.hint}</p>
    </div>
  )
}

function NumberField(props: {
  id: string
  label: string
  value: number | null
  step: string
  min: number
  max?: number
  hint: string
  onChange: (value: number | null) => void
}) {
  // The text is kept as typed ("0." on the way to "0.5"); the number follows whenever it parses.
  const [text, setText] = useState(props.value === null ? '' : String(props.value))
  const [last, setLast] = useState(props.value)
  if (props.value !== last) {
    setLast(props.value)
    if (Number(text) !== props.value) setText(props.value === null ? '' : String(props.value))
  }
  return (
    <TextField
      id={props.id}
      label={props.label}
      type="number"
      inputMode="decimal"
      step={props.step}
      min={props.min}
      max={props.max}
      value={text}
      hint={props.hint}
      onChange={(event) => {
        setText(event.target.value)
        const number = event.target.value.trim() === '' ? null : Number(event.target.value)
        if (number === null || Number.isFinite(number)) props.onChange(number)
      }}
    />
  )
}
