'use client'

import { Save, Trash2 } from 'lucide-react'
import { useState } from 'react'
import { useWatch } from 'react-hook-form'
import { toast } from 'sonner'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { Select } from '@/components/ui/select'
import { useZodForm } from '@/components/ui/use-zod-form'
import { formatNumber } from '@/lib/format'
import { useBuilderTemplates, useDeleteTemplate, useSaveTemplate } from '@/lib/queries/builder'
import { saveTemplateInput, type BuildConfig } from '@/lib/validations/builder'

const templateName = saveTemplateInput.pick({ name: true })

/** Saved builder settings: pick one to apply it, or save the current settings under a name. */
export function SavedTemplates({ config, onApply }: { config: BuildConfig; onApply: (config: BuildConfig) => void }) {
  const templates = useBuilderTemplates()
  const save = useSaveTemplate()
  const remove = useDeleteTemplate()
  const [chosen, setChosen] = useState('')
  // The name is the form's; the settings were checked as they were made, and the server refuses what slipped through.
  const form = useZodForm({ schema: templateName, defaultValues: { name: '' }, toInput: (values: { name: string }) => values })
  const name = useWatch({ control: form.control, name: 'name' })
  const error = form.errorOf('name') ?? form.general
  const list = templates.data ?? []
  const current = list.find((template) => template.id === chosen)

  const onSubmit = form.handleSubmit((values) =>
    save.mutate(
      { name: values.name, config },
      {
        onSuccess: (saved) => {
          toast.success(`Saved the template “${saved.name}”`)
          setChosen(saved.id)
          form.reset()
        },
        onError: form.refuse,
      },
    ),
  )

  return (
    <Card title="Templates" id="templates-heading">
      <div className="grid gap-4 md:grid-cols-2">
        <div className="space-y-1.5">
          <label htmlFor="template-pick" className="block text-sm font-medium">
            Use a saved template
          </label>
          <div className="flex gap-2">
            <Select
              id="template-pick"
              value={chosen}
              className="w-full bg-background"
              onChange={(event) => {
                setChosen(event.target.value)
                const picked = list.find((template) => template.id === event.target.value)
                if (picked) onApply(picked.config)
              }}
            >
              <option value="">{list.length === 0 ? 'No saved templates yet' : `Choose one of ${formatNumber(list.length)}…`}</option>
              {list.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </Select>
            {current ? (
              <Button
                variant="ghost"
                size="sm"
                aria-label={`Delete the template ${current.name}`}
                onClick={() => remove.mutate(current.id, { onSuccess: () => (setChosen(''), toast.success(`Deleted the template “${current.name}”`)) })}
              >
                <Trash2 aria-hidden className="size-4" />
              </Button>
            ) : null}
          </div>
          <p className="text-xs text-muted">Endpoint, model, prompts and parameters; kept on the server for every browser.</p>
        </div>
        <form noValidate className="space-y-1.5" onSubmit={onSubmit}>
          <label htmlFor="template-name" className="block text-sm font-medium">
            Save these settings as
          </label>
          <div className="flex gap-2">
            <Input id="template-name" {...form.register('name')} placeholder="e.g. Review sentiment" aria-invalid={error ? true : undefined} />
            <Button type="submit" variant="secondary" disabled={save.isPending || name.trim() === ''}>
              <Save aria-hidden className="size-4" />
              Save template
            </Button>
          </div>
          {error ? <p className="text-xs text-danger">{error}</p> : <p className="text-xs text-muted">Saving under an existing name replaces it.</p>}
        </form>
      </div>
    </Card>
  )
}
