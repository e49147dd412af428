import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Contact, coreEntities, Database } from '../../src/models/index.js'
import { scratchDatabase, type ScratchDatabase } from '../../src/testing/index.js'
import { migrationsIndexSource } from '../../src/cli/commands/migrations-index.js'
import { rapidsms, rapidsmsUntil } from '../support/cli.js'

const project = fileURLToPath(new URL('./fixtures/project/', import.meta.url))
const badProject = fileURLToPath(new URL('./fixtures/bad-config/', import.meta.url))

describe('rapidsms script', () => {
  it('runs each file as one conversation from an empty database with the fixtures; # lines are comments', async () => {
    const result = await rapidsms(['script', 'scripts/pass.txt', 'scripts/fresh.txt'], { cwd: project })
    expect(result.stdout.trim().split('\n')).toEqual(['ok   scripts/pass.txt', 'ok   scripts/fresh.txt', '2 passed, 0 failed'])
    expect(result.code).toBe(0)
  })

  it('prints each failure with the comment above it, expected and got, and exits 1', async () => {
    const result = await rapidsms(['script', 'scripts/fail.txt', 'scripts/pass.txt'], { cwd: project })
    expect(result.code).toBe(1)
    expect(result.stdout.trim().split('\n')).toEqual([
      'FAIL scripts/fail.txt',
      '  line 3 (wrong text): no such reply among those not checked yet',
      '    expected: 123 < PONG',
      '    got:      123 < pong',
      '  line 8 (a reply that never comes): no such reply among those not checked yet',
      '    expected: 5 < and another',
      '    got:      123 < pong',
      'ok   scripts/pass.txt',
      '1 passed, 1 failed',
    ])
  })

  it('checks replies as RapidSMS does: in any order, unchecked ones ignored; --strict wants each, in order', async () => {
    const loose = await rapidsms(['script', 'scripts/strict.txt'], { cwd: project })
    expect(loose.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed')
    const strict = await rapidsms(['script', '--strict', 'scripts/strict.txt'], { cwd: project })
    expect(strict.code).toBe(1)
    expect(strict.stdout).toContain(['  line 2 (an unexpected reply and replies out of order fail only with --strict): unexpected reply to 123 > ping', '    expected: (no reply)', '    got:      123 < pong'].join('\n'))
    expect(strict.stdout).toContain([': no reply to 123 > "  ping"', '    expected: 123 < pong'].join('\n'))
  })

  it('a syntax error names the file and the line', async () => {
    const result = await rapidsms(['script', 'rapidsms.config.ts'], { cwd: project })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^rapidsms: rapidsms.config.ts: line 1: expected "IDENTITY > text"/)
  })
})

describe('rapidsms migrate and start', () => {
  let scratch: ScratchDatabase
  beforeEach(async () => {
    scratch = await scratchDatabase()
  })
  afterEach(async () => {
    await scratch.dispose()
  })

  it('migrate applies the pending migrations once', async () => {
    const env = { DATABASE_URL: scratch.url }
    const pending = (await rapidsms(['migrate', '--list'], { cwd: project, env })).stdout.split('\n').filter((l) => l.startsWith('[ ] '))
    const first = await rapidsms(['migrate'], { cwd: project, env })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`Applying ${pending.length} migration(s)`)
    expect(first.stdout.split('\n').filter((l) => l.startsWith('  applied ')).map((l) => `[ ] ${l.slice('  applied '.length)}`)).toEqual(pending)
    expect(first.stdout).toMatch(/applied Migration\d+Initial/)
    expect(first.stdout).toMatch(/applied Migration\d+ForeignKeyIndexes/)
    expect(first.stdout).toMatch(/applied Migration\d+ScheduledTask/)
    expect(first.stdout).toMatch(/applied Migration\d+BackendMessage/)
    expect(first.stdout).toMatch(/applied Migration\d+Accounts/)
    const second = await rapidsms(['migrate'], { cwd: project, env })
    expect(second.stdout).toMatch(/No migrations to apply/)
    const list = await rapidsms(['migrate', '--list'], { cwd: project, env })
    expect(list.stdout).toMatch(/^\[X\] Migration\d+Initial$/m)
  })

  it('start refuses an unmigrated database with --no-migrate, naming the fix', async () => {
    const result = await rapidsms(['start', '--no-migrate'], { cwd: project, env: { DATABASE_URL: scratch.url } })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('run "rapidsms migrate" first')
  })

  it('start migrates, says it is ready, and stops cleanly on SIGINT', async () => {
    const { child, output } = await rapidsmsUntil(['start', '--port', '0'], 'Fixture is ready', { cwd: project, env: { DATABASE_URL: scratch.url, RAPIDSMS_LOG_LEVEL: 'info' } })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(output()).toContain('router stopped')
  })
})

describe('rapidsms loaddata', () => {
  let scratch: ScratchDatabase
  beforeEach(async () => {
    scratch = await scratchDatabase()
  })
  afterEach(async () => {
    await scratch.dispose()
  })

  it("loads the fixtures setting's rows into the project's database, once it is migrated", { timeout: 60_000 }, async () => {
    const env = { DATABASE_URL: scratch.url }
    const early = await rapidsms(['loaddata'], { cwd: project, env })
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(/^rapidsms: the database has \d+ migration\(s\) not applied yet: run "rapidsms migrate" first\n$/)
    await rapidsms(['migrate'], { cwd: project, env })
    const loaded = await rapidsms(['loaddata'], { cwd: project, env })
    expect(loaded.stdout).toBe('Installed 1 object(s) from the fixtures setting.\n')
    expect(loaded.code).toBe(0)
    const db = await Database.open({ url: scratch.url, entities: coreEntities, migrations: [] })
    try {
      expect((await db.orm.em.fork().find(Contact, {})).map((c) => c.name)).toEqual(['Ann'])
    } finally {
      await db.close()
    }
  })

  it('a project without fixtures says how to add them', async () => {
    const result = await rapidsms(['loaddata'], { cwd: fileURLToPath(new URL('./fixtures/unmigrated/', import.meta.url)), env: { DATABASE_URL: scratch.url } })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('rapidsms: Invalid setting "fixtures": the project has no fixtures to load: add fixtures: async (em) => { em.create(...) } to its settings\n')
  })
})

describe('bad settings', () => {
  it('stop startup with a message naming the key', async () => {
    const result = await rapidsms(['start'], { cwd: badProject })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('rapidsms: Invalid setting "default_response": unknown setting (did you mean "defaultResponse"?)')
  })

  it('an ES module config that Node would load as CommonJS says what to add', async () => {
    const result = await rapidsms(['migrate'], { cwd: fileURLToPath(new URL('./fixtures/commonjs-js/', import.meta.url)) })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^rapidsms: Invalid settings: .*commonjs-js\/rapidsms\.config\.js is an ES module \(it uses import\/export\), but Node loads it as CommonJS: add "type": "module" to the project's package\.json, or name the file rapidsms\.config\.ts or rapidsms\.config\.mjs$/m)
  })

  it('a missing config file says where it looked', async () => {
    const result = await rapidsms(['start'], { cwd: fileURLToPath(new URL('./fixtures/', import.meta.url)) })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/no rapidsms\.config\.ts in .*fixtures/)
  })
})

describe('rapidsms makemigrations', () => {
  const unmigrated = fileURLToPath(new URL('./fixtures/unmigrated/', import.meta.url))
  let out: string
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'rapidsms-makemigrations-'))
  })
  afterEach(() => rmSync(out, { recursive: true, force: true }))

  it("writes a migration creating the project's own tables, for SQLite and PostgreSQL", async () => {
    const postgres = process.env.RAPIDSMS_TEST_DATABASE_URL
    const result = await rapidsms(['makemigrations', 'AddNote', '--out', out, ...(postgres ? ['--postgres', postgres] : [])], { cwd: unmigrated })
    expect(result.code).toBe(0)
    const [file] = readdirSync(out)
    expect(file).toMatch(/^Migration\d{14}AddNote\.ts$/)
    const source = readFileSync(join(out, file!), 'utf8')
    expect(source).toContain('create table `fixture_note`')
    expect(source).not.toContain('rapidsms_connection')
    if (postgres) expect(source).toContain('create table \\"fixture_note\\"')
    expect(result.stdout).toContain(`Add it to your settings: migrations: [{ name: '${file!.slice(0, -3)}', class: ${file!.slice(0, -3)} }]`)
  })

  it('lists the new migration in the folder\'s index.ts when makemigrations wrote that file (startproject does)', async () => {
    writeFileSync(join(out, 'index.ts'), migrationsIndexSource([]))
    const result = await rapidsms(['makemigrations', 'AddNote', '--out', out], { cwd: unmigrated })
    expect(result.code).toBe(0)
    const name = readdirSync(out).find((f) => f.startsWith('Migration'))!.slice(0, -3)
    expect(readFileSync(join(out, 'index.ts'), 'utf8')).toBe(migrationsIndexSource([name]))
    expect(result.stdout).toContain(`Listed it in ${join(out, 'index.ts')}; apply it with "rapidsms migrate".`)
  })

  it('says so when the migrations already match the entities', async () => {
    const result = await rapidsms(['makemigrations', 'Nothing', '--out', out], { cwd: project })
    expect(result.stdout).toContain('No changes: the migrations already match the entities.')
    expect(readdirSync(out)).toEqual([])
  })
})
