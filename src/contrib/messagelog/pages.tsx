import { Hono, type Context } from 'hono'
import { stream } from 'hono/streaming'
import { definePages, type Site, type SiteEnv } from '../../web/pages/context.js'
import { Field, type FormErrors } from '../../web/pages/form.js'
import { Time } from '../../web/pages/format.js'
import { pageRequest } from '../../web/pages/keyset.js'
import { DataTable, Pager, pagerLinks, withQuery, type Column } from '../../web/pages/table.js'
import { INCOMING, OUTGOING, type Direction } from './models.js'
import { LOG_ORDER, logLines, logPage, type LogFilter, type LogLine } from './queries.js'

const PAGE_SIZE = 50

/** The filter of a request's query string, and an error per field it could not read. */
export function readFilter(query: (name: string) => string | undefined): { filter: LogFilter; errors: FormErrors } {
  const errors: FormErrors = {}
  const filter: LogFilter = {}
  const text = (name: string) => (query(name) ?? '').trim()
  const direction = text('direction')
  if (direction === INCOMING || direction === OUTGOING) filter.direction = direction as Direction
  else if (direction) errors.direction = 'Select a valid choice.'
  if (text('contact')) filter.contact = text('contact')
  if (/^\d+$/.test(text('contact_id'))) filter.contactId = Number(text('contact_id'))
  if (text('identity')) filter.identity = text('identity')
  if (text('text')) filter.text = text('text')
  const day = (name: string, end: boolean) => {
    const value = text(name)
    if (!value) return undefined
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
    const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0]
    const date = new Date(Date.UTC(y, m - 1, d))
    if (!match || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      errors[name] = 'Enter a valid date.'
      return undefined
    }
    // "To" includes its whole day.
    if (end) date.setUTCDate(date.getUTCDate() + 1)
    return date
  }
  filter.since = day('from', false)
  filter.until = day('to', true)
  if (filter.since && filter.until && filter.since >= filter.until) errors.to = 'The end date is before the start date.'
  return { filter, errors }
}

function Filters({ c, errors }: { c: Context<SiteEnv>; errors: FormErrors }) {
  const q = (name: string) => c.req.query(name) ?? ''
  return (
    <form method="get" class="row g-2 align-items-end mb-3" aria-label="Filter the messages" novalidate>
      <div class="col-6 col-md-2">
        <Field field={{ name: 'direction', label: 'Direction', type: 'select', value: q('direction'), options: [['', 'Any'], [INCOMING, 'Incoming'], [OUTGOING, 'Outgoing']] }} error={errors.direction} />
      </div>
      <div class="col-6 col-md-2">
        <Field field={{ name: 'contact', label: 'Contact', type: 'search', value: q('contact') }} />
      </div>
      <div class="col-6 col-md-2">
        <Field field={{ name: 'identity', label: 'Identity', type: 'search', value: q('identity'), inputmode: 'tel' }} />
      </div>
      <div class="col-6 col-md-2">
        <Field field={{ name: 'text', label: 'Text', type: 'search', value: q('text') }} />
      </div>
      <div class="col-6 col-md-1">
        <Field field={{ name: 'from', label: 'From', type: 'date', value: q('from') }} error={errors.from} />
      </div>
      <div class="col-6 col-md-1">
        <Field field={{ name: 'to', label: 'To', type: 'date', value: q('to') }} error={errors.to} />
      </div>
      {c.req.query('contact_id') && <input type="hidden" name="contact_id" value={q('contact_id')} />}
      <div class="col-12 col-md-2 mb-3 d-flex gap-2">
        <button type="submit" class="btn btn-primary">
          Filter
        </button>
        <a class="btn btn-outline-secondary" href="/messagelog/">
          Clear
        </a>
      </div>
    </form>
  )
}

const columns: Column<LogLine>[] = [
  { label: 'Date', cell: (m) => <Time date={m.date} />, sort: 'date', class: 'text-nowrap' },
  { label: 'Direction', cell: (m) => (m.direction === INCOMING ? 'Incoming' : 'Outgoing') },
  { label: 'Contact', cell: (m) => (m.contactId !== null ? <a href={`/messagelog/?contact_id=${m.contactId}`}>{m.contactName || `Contact ${m.contactId}`}</a> : '') },
  { label: 'Connection', cell: (m) => (m.identity !== null ? `${m.backend}: ${m.identity}` : '') },
  { label: 'Text', cell: (m) => <span class="msg-text">{m.text}</span> },
]

/** A CSV field: quoted when it must be; a text a spreadsheet would run as a formula gets a leading `'`. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

function logPages(site: Site): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  const { db } = site.router

  app.get('/', async (c) => {
    const { filter, errors } = readFilter((n) => c.req.query(n))
    const dir = c.req.query('dir') === 'asc' ? 'asc' : 'desc'
    const page = await logPage(site.em().getKnex(), db.dialect, filter, pageRequest((n) => c.req.query(n), LOG_ORDER), PAGE_SIZE, dir)
    const url = c.req.url
    const links = pagerLinks(url, page)
    const exportUrl = withQuery(url, { after: undefined, before: undefined, dir: undefined }).replace(/^\/messagelog\/?/, '/messagelog/export.csv')
    if (Object.keys(errors).length) c.status(400)
    return c.render(
      <>
        <Filters c={c} errors={errors} />
        <p>
          <a class="btn btn-sm btn-outline-secondary" href={exportUrl} download>
            Export these messages as CSV
          </a>
        </p>
        <DataTable
          caption="Messages, newest first"
          columns={columns}
          rows={page.rows}
          empty="No messages."
          sort={{ key: 'date', dir, href: (key, d) => withQuery(url, { dir: d, after: undefined, before: undefined }) }}
        />
        <Pager prev={links.prev} next={links.next} prevLabel={dir === 'desc' ? '« Newer' : '« Older'} nextLabel={dir === 'desc' ? 'Older »' : 'Newer »'} />
      </>,
      { title: 'Message Log' },
    )
  })

  // The filtered rows as CSV, streamed a batch at a time: a million rows never sit in memory.
  app.get('/export.csv', (c) => {
    const { filter } = readFilter((n) => c.req.query(n))
    const day = site.router.clock.date().toISOString().slice(0, 10).replaceAll('-', '')
    c.header('content-type', 'text/csv; charset=utf-8')
    c.header('content-disposition', `attachment; filename="messagelog-${day}.csv"`)
    return stream(c, async (out) => {
      await out.write('date,direction,contact,backend,identity,text\r\n')
      let chunk = ''
      for await (const m of logLines(site.em().getKnex(), db.dialect, filter)) {
        chunk += `${[m.date.toISOString(), m.direction, m.contactName ?? '', m.backend ?? '', m.identity ?? '', m.text].map(csvField).join(',')}\r\n`
        if (chunk.length > 64 * 1024) {
          await out.write(chunk)
          chunk = ''
        }
      }
      if (chunk) await out.write(chunk)
    })
  })
  return app
}

/** Today's messages in and out, per backend (UTC day). */
async function todayCard(site: Site) {
  const { db } = site.router
  const start = new Date(site.router.clock.now())
  start.setUTCHours(0, 0, 0, 0)
  const rows = (await site
    .em()
    .getKnex()({ m: 'messagelog_message' })
    .leftJoin({ cn: 'rapidsms_connection' }, 'cn.id', 'm.connection_id')
    .leftJoin({ b: 'rapidsms_backend' }, 'b.id', 'cn.backend_id')
    .where('m.date', '>=', (db.dialect === 'sqlite' ? start.getTime() : start) as never)
    .groupBy('m.direction', 'b.name')
    .select('m.direction', { backend: 'b.name' })
    .count({ n: '*' })) as { direction: string; backend: string | null; n: number | string }[]
  const total = (d: string) => rows.filter((r) => r.direction === d).reduce((s, r) => s + Number(r.n), 0)
  const backends = [...new Set(rows.map((r) => r.backend ?? '(none)'))].sort()
  return {
    title: 'Messages today',
    figures: [
      { label: 'Incoming', value: total(INCOMING) },
      { label: 'Outgoing', value: total(OUTGOING) },
      ...backends.map((b) => ({
        label: `${b}: in / out`,
        value: `${rows.filter((r) => (r.backend ?? '(none)') === b && r.direction === INCOMING).reduce((s, r) => s + Number(r.n), 0)} / ${rows.filter((r) => (r.backend ?? '(none)') === b && r.direction === OUTGOING).reduce((s, r) => s + Number(r.n), 0)}`,
      })),
    ],
    links: [{ label: 'Message Log', href: '/messagelog/' }],
  }
}

/** The Message Log page (docs 21.6) at `/messagelog/`, with its CSV export and a dashboard card. */
export const messageLogPages = definePages({ path: '/messagelog/', title: 'Message Log', create: logPages, dashboard: todayCard })
