/**
 * The environment variables the framework reads, in one place (each read when asked, so a
 * test or the CLI may set them first). Settings win over none of them: an environment
 * variable overrides the project's setting of the same role.
 */
export const environment = {
  /** DATABASE_URL: the database, over the `databaseUrl` setting. */
  get databaseUrl(): string | undefined {
    return process.env.DATABASE_URL
  },
  /** NATS_URL: the bus, over the `natsUrl` setting. */
  get natsUrl(): string | undefined {
    return process.env.NATS_URL
  },
  /** RAPIDSMS_LOG_LEVEL: the log level before the settings are read (the CLI's default is warn without it). */
  get rapidsmsLogLevel(): string | undefined {
    return process.env.RAPIDSMS_LOG_LEVEL
  },
  /** RAPIDSMS_LOG_LEVEL, else LOG_LEVEL. */
  get logLevel(): string | undefined {
    return process.env.RAPIDSMS_LOG_LEVEL ?? process.env.LOG_LEVEL
  },
  /** RAPIDSMS_TEST_DATABASE_URL: the server the test harness makes scratch databases on (SQLite when empty). */
  get testDatabaseUrl(): string | undefined {
    return process.env.RAPIDSMS_TEST_DATABASE_URL
  },
  /** PORT: the port `rapidsms start` serves the web edge on, over the `web.port` setting (`--port` wins). */
  get port(): string | undefined {
    return process.env.PORT
  },
  /** MIGRATIONS_POSTGRES_URL: the server `rapidsms makemigrations` computes PostgreSQL's SQL on. */
  get migrationsPostgresUrl(): string | undefined {
    return process.env.MIGRATIONS_POSTGRES_URL
  },
}
