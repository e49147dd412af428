import type { MikroORM } from '@mikro-orm/core'
import type { AbstractSqlDriver } from '@mikro-orm/knex'

/** The ORM with an SQL driver (PostgreSQL or SQLite). */
export type SqlOrm = MikroORM<AbstractSqlDriver>
