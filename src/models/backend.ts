import { defineEntity, type InferEntity } from '@mikro-orm/core'
import { BACKEND_NAME_MAX } from '../core/config.js'

/** A configured backend, by name (RapidSMS's rapidsms_backend table). */
export const Backend = defineEntity({
  name: 'Backend',
  tableName: 'rapidsms_backend',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(BACKEND_NAME_MAX).unique(),
  }),
})
export type Backend = InferEntity<typeof Backend>
