import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/index.js'
import { coreEntities, coreMigrations, Database, parseDatabaseUrl } from '../../src/models/index.js'

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u@h:5432/db', 'postgresql', 'postgres://u@h:5432/db'],
    ['postgresql:///db?host=/var/run/postgresql', 'postgresql', 'postgresql:///db?host=/var/run/postgresql'],
    ['sqlite:rapidsms.db', 'sqlite', '/project/rapidsms.db'],
    ['sqlite://data/x.db', 'sqlite', '/project/data/x.db'],
    ['sqlite:/abs/x.db', 'sqlite', '/abs/x.db'],
    ['sqlite::memory:', 'sqlite', ':memory:'],
  ])('%s is %s at %s', (url, dialect, location) => {
    expect(parseDatabaseUrl(url, '/project')).toEqual({ dialect, location })
  })

  it.each(['mysql://x/y', 'sqlite:', 'rapidsms.db'])('refuses %s, naming the setting', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ConfigError)
    expect(() => parseDatabaseUrl(url)).toThrow(/databaseUrl/)
  })
})

const socketDir = '/var/run/postgresql'
const onPostgres = Boolean(process.env.RAPIDSMS_TEST_DATABASE_URL)

describe.runIf(onPostgres && (existsSync(socketDir) || process.env.REQUIRE_SERVICES === '1'))('a PostgreSQL URL with ?host=<socket folder>', () => {
  it('connects through the Unix socket, not TCP', async () => {
    const url = new URL(process.env.RAPIDSMS_TEST_DATABASE_URL!)
    const db = await Database.open({
      url: `postgresql://${url.username}@localhost${url.pathname}?host=${socketDir}`,
      entities: coreEntities,
      migrations: coreMigrations,
    })
    try {
      const [row] = await db.orm.em.fork().getConnection().execute('select inet_server_addr() as addr')
      expect((row as { addr: string | null }).addr).toBeNull()
    } finally {
      await db.close()
    }
  })
})
