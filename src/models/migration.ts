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
  abstract readonly sql: Record<Dialect, { up: string[]; down: string[] }>

  protected get dialect(): Dialect {
    return dialectOf(this.driver.getPlatform())
  }

  override up(): void {
    for (const statement of this.sql[this.dialect].up) this.addSql(statement)
  }

  override down(): void {
    for (const statement of this.sql[this.dialect].down) this.addSql(statement)
  }
}

export function dialectOf(platform: object): Dialect {
  return platform.constructor.name.startsWith('PostgreSql') ? 'postgresql' : 'sqlite'
}
