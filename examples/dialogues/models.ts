import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { Connection, Contact } from 'rapidsms'

/** The answers of one completed health survey (examples/dialogues/survey.ts). */
export const SurveyResponse = defineEntity({
  name: 'SurveyResponse',
  tableName: 'survey_response',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    /** The dialogue session that collected the answers. */
    session: p.string().length(32).unique(),
    connection: () => p.manyToOne(Connection).nullable().deleteRule('set null').index(),
    contact: () => p.manyToOne(Contact).nullable().deleteRule('set null').index(),
    name: p.string().length(100),
    age: p.integer(),
    /** `M` or `F`. */
    sex: p.string().length(1),
    /** Asked of women aged 15 to 49 only. */
    pregnant: p.boolean().nullable(),
    village: p.string().length(100),
    createdOn: p.datetime().onCreate(() => new Date()),
  }),
})
export type SurveyResponse = InferEntity<typeof SurveyResponse>
