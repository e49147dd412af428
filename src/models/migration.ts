import { Migration } from '@mikro-orm/migrations'

export type Dialect = 'postgresql' | 'sqlite'

/** A migration as the migrator takes it: a unique name and its class. */
export interface MigrationEntry {
  name: string
  class: new (...args: any[]) => Migration
}

/**
 * A migration holding the SQL for both databases we support, as `rapidsms makemigrations`
 * generated it from the entities. Nothing is loaded from disk, so it runs the same under
 * tsx, vitest and compiled JavaScript.
 */
export abstract class SqlMigration extends Migration {
  abstract readonly sql: Partial<Record<Dialect, { up: string[]; down: string[] }>>

  protected get dialect(): Dialect {
    return dialectOf(this.driver.getPlatform())
  }

  override up(): void {
    for (const statement of this.#statements().up) this.addSql(statement)
  }

  override down(): void {
    for (const statement of this.#statements().down) this.addSql(statement)
  }

  #statements(): { up: string[]; down: string[] } {
    const sql = this.sql[this.dialect]
    if (!sql) {
      throw new Error(`${this.constructor.name} has no SQL for ${this.dialect}; generate it again with "rapidsms makemigrations" on that database.`)
    }
    return sql
  }
}

export function dialectOf(platform: object): Dialect {
  return platform.constructor.name.startsWith('PostgreSql') ? 'postgresql' : 'sqlite'
}
