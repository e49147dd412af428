import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AppBase, ConfigError, Connection, Contact, defineConfig, p } from '../../src/index.js'
import { coreEntities, coreMigrations, withExtraFields } from '../../src/models/index.js'
import { diffSchema } from '../../src/models/make-migration.js'
import { schemaOf } from '../../src/runtime/schema.js'
import { useRapidTest } from '../../src/testing/index.js'
import { createEdge } from '../../src/web/index.js'
import project from '../../examples/extensible/rapidsms.config.js'
import { TestExtensionsMain, type TestContact } from '../../examples/extensible/testextensions_main/app.js'
import { createAdmin, PageClient } from '../web/support/client.js'

const script = readFileSync(new URL('../../examples/extensible/scripts/used.txt', import.meta.url), 'utf8')
const postgres = process.env.RAPIDSMS_TEST_DATABASE_URL || undefined

/** testextensions_clash of docs 12: the same field as testextensions_main. */
class TestExtensionsClash extends AppBase {
  static override appName = 'testextensions_clash'
  static override contactFields = { isUsed: p.boolean().default(true) }
}

describe('extensible models (docs 12): an app adds fields to Contact or Connection', () => {
  it('makemigrations writes the column the field needs, for SQLite and PostgreSQL; the app ships that migration', async () => {
    const entities = withExtraFields(coreEntities, [TestExtensionsMain])
    expect(entities).not.toContain(Contact)
    expect((await diffSchema('sqlite', entities, coreMigrations)).up).toEqual(['alter table `rapidsms_contact` add column `is_used` integer not null default true;'])
    if (postgres) {
      expect(await diffSchema('postgresql', entities, coreMigrations, postgres)).toEqual({
        up: ['alter table "rapidsms_contact" add column "is_used" boolean not null default true;'],
        down: ['alter table "rapidsms_contact" drop column "is_used";'],
      })
    }
    // With the app's own migration the project's schema is complete: nothing left to write.
    const schema = schemaOf(project)
    expect((await diffSchema('sqlite', schema.entities, schema.migrations)).up).toEqual([])
    if (postgres) expect((await diffSchema('postgresql', schema.entities, schema.migrations, postgres)).up).toEqual([])
  })

  it('Connection too: connectionFields become columns of rapidsms_connection', async () => {
    class Carriers extends AppBase {
      static override connectionFields = { carrier: p.string().length(20).nullable() }
    }
    const entities = withExtraFields(coreEntities, [Carriers])
    expect(entities).toContain(Contact)
    expect(entities).not.toContain(Connection)
    expect((await diffSchema('sqlite', entities, coreMigrations)).up).toEqual(['alter table `rapidsms_connection` add column `carrier` text null;'])
  })

  it('a project whose apps add nothing keeps the core entities themselves', () => {
    expect(schemaOf(defineConfig({ apps: [AppBase as never].slice(1) })).entities.filter((e) => e === Contact || e === Connection)).toEqual([Contact, Connection])
  })

  it('two apps adding the same field, or a field Contact has, stop startup naming them', () => {
    expect(() => schemaOf(defineConfig({ apps: [TestExtensionsMain, TestExtensionsClash] }))).toThrow(
      new ConfigError('apps', 'testextensions_main and testextensions_clash both add the field "isUsed" to Contact: rename one of them'),
    )
    class Renamer extends AppBase {
      static override contactFields = { name: p.string().length(200) }
    }
    expect(() => schemaOf(defineConfig({ apps: [Renamer] }))).toThrow(new ConfigError('apps', 'Renamer adds the field "name" to Contact, which already has it'))
  })
})

describe('the extensible example project (examples/extensible)', () => {
  const rapid = useRapidTest({ settings: project, mockProjectBackends: true })

  it('handlers read and set the field: every contact is used until it says USED NO', async () => {
    await rapid.runScript(script, { strict: true })
    const ann = (await rapid.em().findOneOrFail(Contact, { name: 'Ann' })) as TestContact
    expect(ann.isUsed).toBe(false)
  })

  async function loggedIn(): Promise<PageClient> {
    await createAdmin(rapid.db)
    const client = new PageClient(createEdge(rapid.router).app)
    await client.login()
    return client
  }

  it('the Registration pages show the field, on the form and in the list, and save it', async () => {
    const c = await loggedIn()
    const form = await c.get('/registration/add/')
    const checkbox = (html: string) => /<input[^>]*name="isUsed"[^>]*>/.exec(html)?.[0] ?? ''
    expect(checkbox(form.html)).toMatch(/type="checkbox"/)
    expect(checkbox(form.html)).toMatch(/ checked/) // the field's default: true
    expect(form.html).toContain('Is used')
    await c.post('/registration/add/', { name: 'Bea', language: '', 'conn-new-backend': 'message_tester', 'conn-new-identity': '777' })
    await c.get('/registration/add/')
    await c.post('/registration/add/', { name: 'Cal', language: '', isUsed: 'on', 'conn-new-backend': 'message_tester', 'conn-new-identity': '778' })
    const used = async (name: string) => ((await rapid.em().findOneOrFail(Contact, { name })) as TestContact).isUsed
    expect([await used('Bea'), await used('Cal')]).toEqual([false, true])
    const list = await c.get('/registration/')
    expect(list.html).toContain('<th scope="col">Is used</th>')
    const cells = (name: string) => new RegExp(`>${name}</a></td><td[^>]*>[^<]*</td><td[^>]*>(Yes|No)</td>`).exec(list.html)?.[1]
    expect([cells('Bea'), cells('Cal')]).toEqual(['No', 'Yes'])
    const bea = await rapid.em().findOneOrFail(Contact, { name: 'Bea' })
    const edit = await c.get(`/registration/${bea.id}/edit/`)
    expect(checkbox(edit.html)).not.toMatch(/ checked/)
    await c.post(`/registration/${bea.id}/edit/`, { name: 'Bea', language: '', isUsed: 'on' })
    expect(await used('Bea')).toBe(true)
  })

  it('the admin lists and edits it', async () => {
    const c = await loggedIn()
    await rapid.em().persistAndFlush(rapid.em().create(Contact, { name: 'Dee', language: '' }))
    const list = await c.get('/admin/rapidsms/contact/')
    expect(list.html).toContain('Is used')
    const dee = await rapid.em().findOneOrFail(Contact, { name: 'Dee' })
    const change = await c.get(`/admin/rapidsms/contact/${dee.id}/change/`)
    expect(change.html).toMatch(/name="isUsed"/)
    await c.post(`/admin/rapidsms/contact/${dee.id}/change/`, { name: 'Dee', language: '' })
    expect(((await rapid.em().findOneOrFail(Contact, { name: 'Dee' })) as TestContact).isUsed).toBe(false)
  })
})
