import 'server-only'
import { db } from '@/lib/server/db'
import { notFound } from '@/lib/server/http/errors'
import { newTemplateId } from '@/lib/server/ids'
import { buildConfigSchema, DEFAULT_BUILD_CONFIG, type SaveTemplateInput, type SavedTemplate } from '@/lib/validations/builder'

type TemplateRow = { id: string; name: string; config: unknown; updatedAt: Date }

function toSavedTemplate(row: TemplateRow): SavedTemplate {
  // A template saved by an older version may lack newer fields: they take their defaults.
  const parsed = buildConfigSchema.safeParse({ ...DEFAULT_BUILD_CONFIG, ...(row.config as object) })
  return { id: row.id, name: row.name, config: parsed.success ? parsed.data : DEFAULT_BUILD_CONFIG, updatedAt: row.updatedAt.toISOString() }
}

export async function listTemplates(): Promise<SavedTemplate[]> {
  const rows = await db.builderTemplate.findMany({ orderBy: { name: 'asc' } })
  return rows.map(toSavedTemplate)
}

/** Saving under an existing name replaces that template, as "Save" in an editor does. */
export async function saveTemplate({ name, config }: SaveTemplateInput): Promise<SavedTemplate> {
  const row = await db.builderTemplate.upsert({
    where: { name },
    create: { id: newTemplateId(), name, config },
    update: { config },
  })
  return toSavedTemplate(row)
}

export async function deleteTemplate(templateId: string): Promise<{ id: string }> {
  const deleted = await db.builderTemplate.deleteMany({ where: { id: templateId } })
  if (deleted.count === 0) throw notFound('template', templateId)
  return { id: templateId }
}
