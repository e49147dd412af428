import { defineEntity, type InferEntity } from 'rapidsms'

/** Tutorial part 3: one row per choice, with its vote count so far. */
export const Choice = defineEntity({
  name: 'Choice',
  tableName: 'voting_choice',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(40).unique(),
    votes: p.integer().default(0),
  }),
})
export type Choice = InferEntity<typeof Choice>
