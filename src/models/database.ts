import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/core'
import { Migrator } from '@mikro-orm/migrations'
import { systemClock, type Clock } from '../core/clock.js'
import { getLogger } from '../core/logger.js'
import { parseDatabaseUrl, type ParsedDatabaseUrl } from './database-url.js'
import type { Dialect, MigrationEntry } from './migration.js'
import type { SqlOrm } from './orm.js'
import { RecordWriter } from './record-writer.js'

export interface DatabaseOptions {
  /** `postgres://...` or `sqlite:FILE` (see parseDatabaseUrl). */
  url: string
  entities: EntitySchema<any, any>[]
  migrations: MigrationEntry[]
  /** Log every SQL statement. */
  debug?: boolean
  /** Folder relative SQLite paths resolve from. */
  cwd?: string
  /** The clock the writer takes its batching turns from (default: the machine's). */
  clock?: Clock
}

export const MIGRATIONS_TABLE = 'rapidsms_migrations'

/** The project's database: the ORM, the group-commit writer and the migrations. */
export class Database {
  readonly writer: RecordWriter
  readonly dialect: Dialect

  private constructor(
    readonly orm: SqlOrm,
    readonly target: ParsedDatabaseUrl,
    clock: Clock,
  ) {
    this.dialect = target.dialect
    this.writer = new RecordWriter(orm, this.dialect, { concurrency: this.dialect === 'postgresql' ? 2 : 1, maxBatch: 2000 }, clock)
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const target = parseDatabaseUrl(options.url, options.cwd)
    const common: Options = {
      entities: [...new Set(options.entities)],
      extensions: [Migrator],
      migrations: {
        tableName: MIGRATIONS_TABLE,
        migrationsList: options.migrations,
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        silent: true,
      },
      debug: options.debug ?? false,
      allowGlobalContext: false,
      discovery: { warnWhenNoEntities: false },
      logger: (message) => getLogger('rapidsms.models.sql').debug(message),
    }
    let orm: SqlOrm
    if (target.dialect === 'postgresql') {
      const { PostgreSqlDriver } = await import('@mikro-orm/postgresql')
      // `?host=/var/run/postgresql` selects the server's Unix socket (as libpq does), which
      // MikroORM would otherwise drop in favour of the URL's host name.
      const socket = new URL(target.location).searchParams.get('host') ?? undefined
      orm = (await MikroORM.init({ ...common, driver: PostgreSqlDriver, clientUrl: target.location, host: socket, pool: { min: 1, max: 8 } })) as unknown as SqlOrm
    } else {
      const { LibSqlDriver } = await import('@mikro-orm/libsql')
      orm = (await MikroORM.init({ ...common, driver: LibSqlDriver, dbName: target.location })) as unknown as SqlOrm
      // One writer at a time is SQLite's rule; WAL lets readers go on meanwhile.
      if (target.location !== ':memory:') await orm.em.getConnection().execute('pragma journal_mode = wal')
      await orm.em.getConnection().execute('pragma foreign_keys = on')
    }
    return new Database(orm, target, options.clock ?? systemClock)
  }

  /** Apply every pending migration; returns the names applied. */
  async migrate(): Promise<string[]> {
    const applied = await this.orm.getMigrator().up()
    return applied.map((m) => m.name)
  }

  /** Names of migrations not yet applied. */
  async pendingMigrations(): Promise<string[]> {
    return (await this.orm.getMigrator().getPendingMigrations()).map((m) => m.name)
  }

  /** The SQL that would bring the schema in line with the entities ('' when they match). */
  async schemaDrift(): Promise<string> {
    return (await this.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false })).trim()
  }

  /** Delete every row of every table the entities know (tests start from empty tables). */
  async clear(): Promise<void> {
    await this.writer.drain()
    await this.orm.schema.clearDatabase({ truncate: this.dialect === 'postgresql' })
  }

  async close(): Promise<void> {
    await this.writer.drain()
    await this.orm.close(true)
  }
}
