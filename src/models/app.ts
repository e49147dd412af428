import { defineEntity, type InferEntity } from '@mikro-orm/core'

/** An installed app, by name (RapidSMS's rapidsms_app table). */
export const App = defineEntity({
  name: 'App',
  tableName: 'rapidsms_app',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    module: p.string().length(100).unique(),
    active: p.boolean().default(false),
  }),
})
export type App = InferEntity<typeof App>
