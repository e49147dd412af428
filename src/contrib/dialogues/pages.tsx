import { Hono, type Context } from 'hono'
import { Connection, Contact, dateFromRow, defaultConnection } from '../../models/index.js'
import { ContactPicker, pickedIds } from '../../web/pages/contact-picker.js'
import { definePages, type PageModule, type Site, type SiteEnv } from '../../web/pages/context.js'
import { flash } from '../../web/pages/flash.js'
import { Field, Form, type FormErrors } from '../../web/pages/form.js'
import { formatDate, Time } from '../../web/pages/format.js'
import { keysetPage, pageRequest, type SortColumn } from '../../web/pages/keyset.js'
import { DataTable, Pager, pagerLinks, type Column } from '../../web/pages/table.js'
import type { Dialogue } from './define.js'
import { stateKey, type SessionStatus } from './engine.js'
import { DialogueStep } from './models.js'
import type { SessionRow, SessionStore } from './store.js'

/** What the pages need of the installed DialogueApp (the class itself would be an import cycle). */
interface DialogueRunner {
  readonly dialogues: ReadonlyMap<string, Dialogue>
  readonly store: SessionStore
  startDialogue(name: string, connections: Connection[]): Promise<{ started: number; deferred: number; skipped: number }>
  endSession(sessionId: string): Promise<SessionRow | undefined>
}

const STATUSES: SessionStatus[] = ['active', 'completed', 'expired', 'interrupted', 'failed']
const PAGE_SIZE = 50
const ORDER: SortColumn[] = [
  { sql: 's.started_at', field: 'started_at', date: true },
  { sql: 's.id', field: 'id' },
]

interface SessionLine {
  id: string
  dialogue: string
  status: string
  steps: number
  startedAt: Date
  updatedAt: Date | null
  who: string
}

const sessionColumns: Column<SessionLine>[] = [
  { label: 'Started', cell: (s) => <a href={`/dialogues/${s.id}/`}><Time date={s.startedAt} /></a>, class: 'text-nowrap' },
  { label: 'Dialogue', cell: (s) => s.dialogue },
  { label: 'Status', cell: (s) => s.status },
  { label: 'With', cell: (s) => <span class="msg-text">{s.who}</span> },
  { label: 'Steps', cell: (s) => String(s.steps) },
  { label: 'Last step', cell: (s) => <Time date={s.updatedAt} />, class: 'text-nowrap' },
]

function SubNav({ active }: { active: 'sessions' | 'start' }) {
  return (
    <ul class="nav nav-pills mb-3">
      <li class="nav-item">
        <a class={`nav-link${active === 'sessions' ? ' active' : ''}`} href="/dialogues/" aria-current={active === 'sessions' ? 'page' : undefined}>
          Sessions
        </a>
      </li>
      <li class="nav-item">
        <a class={`nav-link${active === 'start' ? ' active' : ''}`} href="/dialogues/start/" aria-current={active === 'start' ? 'page' : undefined}>
          Start a dialogue
        </a>
      </li>
    </ul>
  )
}

/** A value of a session's context as the page shows it. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function pages(App: abstract new (...args: any[]) => DialogueRunner) {
  return (site: Site): Hono<SiteEnv> => {
    const app = new Hono<SiteEnv>()
    const { router } = site
    const runner = () => router.getApp(App)
    const notInstalled = (c: Context<SiteEnv>) => {
      c.status(404)
      return c.render(<p>The dialogues app is not installed.</p>, { title: 'Dialogues' })
    }

    app.get('/', async (c) => {
      const dialogues = runner()
      if (!dialogues) return notInstalled(c)
      const knex = site.em().getKnex()
      const dialogue = c.req.query('dialogue') ?? ''
      const status = c.req.query('status') ?? ''
      const counts = (await knex('dialogue_session').groupBy('dialogue', 'status').select('dialogue', 'status').count({ n: '*' })) as { dialogue: string; status: string; n: number | string }[]
      const names = [...new Set([...dialogues.dialogues.keys(), ...counts.map((r) => r.dialogue)])].sort()
      const query = knex({ s: 'dialogue_session' })
        .join({ cn: 'rapidsms_connection' }, 'cn.id', 's.connection_id')
        .join({ b: 'rapidsms_backend' }, 'b.id', 'cn.backend_id')
        .leftJoin({ ct: 'rapidsms_contact' }, 'ct.id', 'cn.contact_id')
        .select('s.id', 's.dialogue', 's.status', 's.steps', 's.started_at', 's.updated_at', 'cn.identity', { backend: 'b.name', contact: 'ct.name' })
      if (dialogue) query.where('s.dialogue', dialogue)
      if (STATUSES.includes(status as SessionStatus)) query.where('s.status', status)
      const page = await keysetPage<Record<string, unknown>>(query, ORDER, 'desc', pageRequest((n) => c.req.query(n), ORDER), PAGE_SIZE, router.db.dialect)
      const rows: SessionLine[] = page.rows.map((r) => ({
        id: String(r.id),
        dialogue: String(r.dialogue),
        status: String(r.status),
        steps: Number(r.steps),
        startedAt: dateFromRow(r.started_at)!,
        updatedAt: dateFromRow(r.updated_at),
        who: `${r.contact ? `${String(r.contact)}, ` : ''}${String(r.backend)}: ${String(r.identity)}`,
      }))
      const count = (d: string, s: string) => Number(counts.find((r) => r.dialogue === d && r.status === s)?.n ?? 0)
      const links = pagerLinks(c.req.url, page)
      return c.render(
        <>
          <SubNav active="sessions" />
          <div class="table-responsive mb-3">
            <table class="table table-sm table-bordered w-auto" id="session-counts">
              <caption class="visually-hidden">Sessions by dialogue and status</caption>
              <thead>
                <tr>
                  <th scope="col">Dialogue</th>
                  {STATUSES.map((s) => (
                    <th scope="col">{s}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {names.map((d) => (
                  <tr>
                    <th scope="row">{d}</th>
                    {STATUSES.map((s) => (
                      <td>
                        <a href={`/dialogues/?dialogue=${encodeURIComponent(d)}&status=${s}`} aria-label={`${s} sessions of ${d}`}>
                          {String(count(d, s))}
                        </a>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form method="get" class="row g-2 align-items-end mb-3" aria-label="Filter the sessions" novalidate>
            <div class="col-6 col-md-3">
              <Field field={{ name: 'dialogue', label: 'Dialogue', type: 'select', value: dialogue, options: [['', 'Any'], ...names.map((n) => [n, n] as [string, string])] }} />
            </div>
            <div class="col-6 col-md-3">
              <Field field={{ name: 'status', label: 'Status', type: 'select', value: status, options: [['', 'Any'], ...STATUSES.map((s) => [s, s] as [string, string])] }} />
            </div>
            <div class="col-12 col-md-3 mb-3">
              <button type="submit" class="btn btn-primary">
                Filter
              </button>
            </div>
          </form>
          <DataTable caption="Sessions, newest first" columns={sessionColumns} rows={rows} empty="No sessions." id="sessions" />
          <Pager prev={links.prev} next={links.next} />
        </>,
        { title: 'Dialogues' },
      )
    })

    const startPage = (c: Context<SiteEnv>, dialogues: DialogueRunner, errors: FormErrors, chosen: { id: number; label: string }[], name = '') =>
      c.render(
        <>
          <SubNav active="start" />
          <div class="row">
            <div class="col-12 col-lg-8 col-xl-6">
              <Form action="/dialogues/start/" aria-label="Start a dialogue">
                <Field field={{ name: 'dialogue', label: 'Dialogue', type: 'select', value: name, required: true, options: [['', '---------'], ...[...dialogues.dialogues.keys()].map((n) => [n, n] as [string, string])] }} error={errors.dialogue} />
                <ContactPicker name="recipients" label="Contacts" chosen={chosen} help="Each starts on their default connection; one already in a session is left alone." error={errors.recipients} />
                <button type="submit" class="btn btn-primary">
                  Start
                </button>
              </Form>
            </div>
          </div>
        </>,
        { title: 'Start a dialogue', scripts: ['/static/rapidsms/autocomplete.js'] },
      )

    app.get('/start/', (c) => {
      const dialogues = runner()
      return dialogues ? startPage(c, dialogues, {}, []) : notInstalled(c)
    })

    app.post('/start/', async (c) => {
      const dialogues = runner()
      if (!dialogues) return notInstalled(c)
      const body = await c.req.parseBody({ all: true })
      const name = typeof body.dialogue === 'string' ? body.dialogue : ''
      const ids = pickedIds(body, 'recipients')
      const errors: FormErrors = {}
      if (!dialogues.dialogues.has(name)) errors.dialogue = 'Select a dialogue.'
      if (!ids.length) errors.recipients = 'Choose at least one contact.'
      const em = site.em()
      const contacts = ids.length ? await em.find(Contact, { id: { $in: ids } }) : []
      if (Object.keys(errors).length) {
        c.status(400)
        return startPage(c, dialogues, errors, contacts.map((ct) => ({ id: ct.id, label: ct.name || `Contact ${ct.id}` })), name)
      }
      const connections: Connection[] = []
      const without: string[] = []
      for (const contact of contacts) {
        const connection = await defaultConnection(em, contact)
        if (connection) connections.push(connection)
        else without.push(contact.name || `Contact ${contact.id}`)
      }
      const summary = connections.length ? await dialogues.startDialogue(name, connections) : { started: 0, deferred: 0, skipped: 0 }
      flash(c, 'success', `${name}: started ${summary.started}, to start after quiet hours ${summary.deferred}, left alone (already in a session) ${summary.skipped}.`)
      if (without.length) flash(c, 'danger', `Not started (no connection): ${without.join(', ')}.`)
      return c.redirect(`/dialogues/?dialogue=${encodeURIComponent(name)}`, 302)
    })

    app.get('/:id/', async (c) => {
      const dialogues = runner()
      if (!dialogues) return notInstalled(c)
      const session = /^[0-9a-f]{32}$/.test(c.req.param('id')) ? await dialogues.store.byId(c.req.param('id')) : undefined
      if (!session) return c.notFound()
      const em = site.em()
      const connection = await em.findOne(Connection, session.connectionId, { populate: ['backend', 'contact'] })
      const steps = await em.find(DialogueStep, { session: session.id }, { orderBy: { seq: 'asc' } })
      // By name: PostgreSQL's jsonb keeps no order of keys.
      const answers = Object.entries((session.snapshot?.context as Record<string, unknown> | undefined) ?? {}).sort(([a], [b]) => a.localeCompare(b))
      const state = session.snapshot ? stateKey(session.snapshot.value) : '(waiting for the end of quiet hours)'
      const facts: [string, string][] = [
        ['Dialogue', session.dialogue],
        ['Status', session.status],
        ['State', state],
        ['Contact', connection?.contact?.name ?? ''],
        ['Connection', connection ? `${connection.backend.name}: ${connection.identity}` : ''],
        ['Started', formatDate(session.startedAt)],
        ['Expires', formatDate(session.expiresAt)],
        ['Next timer', formatDate(session.wakeAt)],
      ]
      return c.render(
        <>
          <SubNav active="sessions" />
          <dl class="row">
            {facts.map(([k, v]) => (
              <>
                <dt class="col-5 col-md-2">{k}</dt>
                <dd class="col-7 col-md-10 msg-text">{v}</dd>
              </>
            ))}
          </dl>
          {session.status === 'active' && (
            <Form action={`/dialogues/${session.id}/end/`} class="mb-3" aria-label="End the session">
              <button type="submit" class="btn btn-outline-danger">
                End this session
              </button>
            </Form>
          )}
          <h2 class="h5">Answers</h2>
          <DataTable
            caption="Answers so far"
            id="answers"
            columns={[
              { label: 'Question', cell: (a: [string, unknown]) => a[0] },
              { label: 'Answer', cell: (a: [string, unknown]) => <span class="msg-text">{shown(a[1])}</span> },
            ]}
            rows={answers}
            empty="No answers yet."
          />
          <h2 class="h5">Steps</h2>
          <DataTable
            caption="Every step of the session"
            id="steps"
            columns={[
              { label: '#', cell: (s: DialogueStep) => String(s.seq) },
              { label: 'At', cell: (s: DialogueStep) => <Time date={s.at} />, class: 'text-nowrap' },
              { label: 'Event', cell: (s: DialogueStep) => <span class="msg-text">{[String(s.event.type ?? ''), typeof s.event.text === 'string' ? `“${s.event.text}”` : ''].filter(Boolean).join(' ')}</span> },
              { label: 'State', cell: (s: DialogueStep) => `${s.before ?? '(start)'} → ${s.after}` },
              { label: 'Sent', cell: (s: DialogueStep) => <span class="msg-text">{s.sends.join('\n')}</span> },
            ]}
            rows={steps}
            empty="No steps."
          />
        </>,
        { title: `Session of ${session.dialogue}` },
      )
    })

    app.post('/:id/end/', async (c) => {
      const dialogues = runner()
      if (!dialogues) return notInstalled(c)
      const id = c.req.param('id')
      const ended = /^[0-9a-f]{32}$/.test(id) ? await dialogues.endSession(id) : undefined
      flash(c, ended ? 'success' : 'warning', ended ? `Ended the session (${ended.status}).` : 'That session is not active any more.')
      return c.redirect(`/dialogues/${encodeURIComponent(id)}/`, 302)
    })
    return app
  }
}

/** The Dialogues pages at `/dialogues/` for the DialogueApp class `App`. */
export function dialoguePages(App: abstract new (...args: any[]) => DialogueRunner): PageModule {
  return definePages({
    path: '/dialogues/',
    title: 'Dialogues',
    create: pages(App),
    async dashboard(site) {
      const rows = (await site.em().getKnex()('dialogue_session').where('status', 'active').count({ n: '*' })) as { n: number | string }[]
      return { title: 'Dialogues', figures: [{ label: 'Active sessions', value: Number(rows[0]?.n ?? 0) }], links: [{ label: 'Dialogues', href: '/dialogues/' }] }
    },
  })
}
