import { randomInt } from 'node:crypto'
import { dateFromRow } from '../../models/index.js'
import { Hono, type Context } from 'hono'
import { DatabaseBackend, BackendMessage } from '../../backends/database/index.js'
import { definePages, type Site, type SiteEnv } from '../../web/pages/context.js'
import { flash } from '../../web/pages/flash.js'
import { Field, Form, type FormErrors } from '../../web/pages/form.js'
import { Time } from '../../web/pages/format.js'
import { keysetPage, pageRequest, type SortColumn } from '../../web/pages/keyset.js'
import { DataTable, Pager, pagerLinks, type Column } from '../../web/pages/table.js'

/** The backend the tester talks through (RapidSMS's name for it). */
export const TESTER_BACKEND = 'message_tester'
const PAGE_SIZE = 25
const ORDER: SortColumn[] = [{ sql: 'id', field: 'id' }]

interface LogRow {
  id: number
  date: Date
  direction: string
  identity: string
  text: string
}

/** RapidSMS's generate_identity: a random six-digit phone number. */
function randomIdentity(): string {
  return String(randomInt(111111, 1000000))
}

function identityProblem(identity: string): string | undefined {
  if (!identity) return 'This field is required.'
  if (identity.length > 100) return 'Ensure this value has at most 100 characters.'
  if (!/^\+?\d+$/.test(identity)) return 'Phone number must be all numeric'
  return undefined
}

const columns: Column<LogRow>[] = [
  { label: 'Date', cell: (m) => <Time date={m.date} />, class: 'text-nowrap' },
  // » a message the phone sent to the project, « one the project sent to the phone (docs 3.1.1).
  { label: 'Phone', cell: (m) => `${m.identity}${m.direction === 'I' ? '»' : '«'}`, class: 'text-nowrap' },
  { label: 'Text', cell: (m) => <span class="msg-text">{m.text}</span> },
]

function TesterPage({ c, identity, rows, links, errors, ready }: { c: Context<SiteEnv>; identity: string; rows: LogRow[]; links: { prev?: string; next?: string }; errors: FormErrors; ready: boolean }) {
  return (
    <div class="row g-4">
      <div class="col-12 col-md-5 col-lg-4">
        {!ready && (
          <div class="alert alert-warning" role="alert">
            The Message Tester needs a database backend named <code>{TESTER_BACKEND}</code>: add{' '}
            <code>{`${TESTER_BACKEND}: { engine: DatabaseBackend }`}</code> to <code>backends</code> in the settings.
          </div>
        )}
        <Form action={`/httptester/${encodeURIComponent(identity)}/`} enctype="multipart/form-data" aria-label="Send messages">
          <Field
            field={{ name: 'identity', label: 'Phone Number', value: identity, required: true, maxLength: 100, inputmode: 'tel', help: 'The phone number which this message will appear to have originated from.' }}
            error={errors.identity}
          />
          <Field field={{ name: 'text', label: 'Single Message', type: 'textarea', rows: 4 }} error={errors.text} />
          <Field field={{ name: 'bulk', label: 'Multiple Messages', type: 'file', accept: '.txt,text/plain', help: 'Alternatively, upload a plain text file containing a single message per line.' }} error={errors.bulk} />
          <Field field={{ name: 'clear', label: 'Clear the log of this phone number', type: 'checkbox' }} />
          <Field field={{ name: 'clear-all', label: 'Clear the whole log', type: 'checkbox' }} />
          <button type="submit" class="btn btn-primary" id="send-btn" disabled={!ready}>
            Send
          </button>
        </Form>
      </div>
      <div class="col-12 col-md-7 col-lg-8">
        <h2 class="h5">Log</h2>
        <div class="tester-log">
          <DataTable caption="Messages sent and received, newest first" columns={columns} rows={rows} empty="No messages yet." id="tester-log" />
        </div>
        <Pager prev={links.prev} next={links.next} label="Log pages" />
      </div>
    </div>
  )
}

function tester(site: Site): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  const { router } = site
  const ready = () => router.settings.backends[TESTER_BACKEND]?.engine === DatabaseBackend || (router.settings.backends[TESTER_BACKEND]?.engine as { prototype?: unknown } | undefined)?.prototype instanceof DatabaseBackend

  const show = async (c: Context<SiteEnv>, identity: string, errors: FormErrors = {}) => {
    const query = site.em().getKnex()('database_backendmessage').where('name', TESTER_BACKEND).select('id', 'date', 'direction', 'identity', 'text')
    const page = await keysetPage<Record<string, unknown>>(query, ORDER, 'desc', pageRequest((n) => c.req.query(n), ORDER), PAGE_SIZE, router.db.dialect)
    const rows = page.rows.map((r) => ({ id: Number(r.id), date: dateFromRow(r.date)!, direction: String(r.direction), identity: String(r.identity), text: String(r.text) }))
    return c.render(<TesterPage c={c} identity={identity} rows={rows} links={pagerLinks(c.req.url, page)} errors={errors} ready={ready()} />, { title: 'Message Tester' })
  }

  app.get('/', (c) => c.redirect(`/httptester/${randomIdentity()}/`, 302))
  app.get('/:identity/', (c) => show(c, c.req.param('identity')))

  app.post('/:identity/', async (c) => {
    const body = await c.req.parseBody()
    const identity = typeof body.identity === 'string' ? body.identity.trim() : ''
    const problem = identityProblem(identity)
    if (problem) {
      c.status(400)
      return show(c, identity, { identity: problem })
    }
    if (!ready()) {
      c.status(409)
      return show(c, identity)
    }
    const em = site.em()
    if (body['clear-all'] === 'on') {
      const n = await em.nativeDelete(BackendMessage, { name: TESTER_BACKEND })
      flash(c, 'info', `Cleared the whole log (${n} message${n === 1 ? '' : 's'}).`)
    } else if (body.clear === 'on') {
      const n = await em.nativeDelete(BackendMessage, { name: TESTER_BACKEND, identity })
      flash(c, 'info', `Cleared the log of ${identity} (${n} message${n === 1 ? '' : 's'}).`)
    } else {
      const file = body.bulk
      let texts: string[]
      if (file instanceof File && file.size > 0) {
        texts = (await file.text()).split(/\r\n|\n|\r/)
        if (texts.at(-1) === '') texts.pop()
      } else texts = [typeof body.text === 'string' ? body.text : '']
      // One message after the other, as from one phone: each is stored (») before it is
      // processed, so its replies («) come after it in the log.
      for (const text of texts) {
        await router.db.writer.insert(BackendMessage, { name: TESTER_BACKEND, direction: 'I', date: router.clock.date(), messageId: '', externalId: '', identity, text })
        await router.receive(text, { backend: { name: TESTER_BACKEND }, identity })
      }
      if (texts.length > 1) flash(c, 'success', `Sent ${texts.length} messages from ${identity}.`)
    }
    return c.redirect(`/httptester/${encodeURIComponent(identity)}/`, 302)
  })
  return app
}

/** The Message Tester's pages at `/httptester/` (docs 21.4). */
export const testerPages = definePages({ path: '/httptester/', title: 'Message Tester', create: tester })
