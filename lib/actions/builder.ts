'use server'

import { defineAction } from '@/lib/server/actions'
import { deleteTemplate, saveTemplate } from '@/lib/server/builder/templates'
import { saveTemplateInput, templateIdInput } from '@/lib/validations/builder'

export const saveBuilderTemplate = defineAction(saveTemplateInput, (input) => saveTemplate(input))

export const deleteBuilderTemplate = defineAction(templateIdInput, ({ templateId }) => deleteTemplate(templateId))
