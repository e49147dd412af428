import type { EntitySchema } from '@mikro-orm/core'
import { App } from './app.js'
import { Backend } from './backend.js'
import { Connection } from './connection.js'
import { Contact } from './contact.js'
import { SiteSecret, User } from './user.js'
import type { MigrationEntry } from './migration.js'
import { migrations as coreMigrationList } from './migrations/index.js'

/** The entities every project has. */
export const coreEntities: EntitySchema<any, any>[] = [Backend, App, Contact, Connection, User, SiteSecret]

/** The migrations that create them, in order. */
export const coreMigrations: MigrationEntry[] = coreMigrationList
