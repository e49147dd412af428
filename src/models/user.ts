import { defineEntity, type InferEntity, type Opt } from '@mikro-orm/core'

/**
 * A person who may log in to the web pages (Django's auth_user). The password is stored as
 * `scrypt$N$r$p$salt$hash` (see rapidsms/web accounts), never in clear. Create the first
 * one with `rapidsms createsuperuser`.
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'auth_user',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    username: p.string().length(150).unique(),
    email: p.string().length(254).default('').$type<string & Opt>(),
    password: p.string().length(255),
    /** May use every page, the admin included. */
    isSuperuser: p.boolean().default(false).$type<boolean & Opt>(),
    /** May use the admin (Django's is_staff). */
    isStaff: p.boolean().default(false).$type<boolean & Opt>(),
    /** An inactive user cannot log in. */
    isActive: p.boolean().default(true).$type<boolean & Opt>(),
    lastLogin: p.datetime().nullable(),
    dateJoined: p.datetime().onCreate(() => new Date()),
  }),
})
export type User = InferEntity<typeof User>

/**
 * A secret the project generated for itself and keeps in its database, so every host of a
 * cluster shares it and it survives restarts: the key that signs web sessions when the
 * `web.secretKey` setting is not given.
 */
export const SiteSecret = defineEntity({
  name: 'SiteSecret',
  tableName: 'rapidsms_secret',
  properties: (p) => ({
    name: p.string().length(50).primary(),
    value: p.string().length(255),
    createdOn: p.datetime().onCreate(() => new Date()),
  }),
})
export type SiteSecret = InferEntity<typeof SiteSecret>
