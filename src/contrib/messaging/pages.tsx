import { createHash } from 'node:crypto'
import type { EntityManager } from '@mikro-orm/knex'
import { Hono, type Context } from 'hono'
import type { RouterServices } from '../../apps/router.js'
import { countSegments } from '../../core/segments.js'
import { Connection, Contact } from '../../models/index.js'
import { BulkRecipient } from '../../runtime/bulk/models.js'
import { generateId } from '../../core/ids.js'
import { definePages, type Site, type SiteEnv } from '../../web/pages/context.js'
import { flash } from '../../web/pages/flash.js'
import { Field, Form, type FormErrors } from '../../web/pages/form.js'
import { ContactPicker, pickedIds } from '../../web/pages/contact-picker.js'
import type { Recipient } from '../../web/pages/contacts.js'

/** What became of the message for one recipient: sent, or why not. */
export interface SendResult {
  contactId: number
  name: string
  error?: string
}

/** Contacts (and their default connections) looked up per query. */
const CHUNK = 500

/**
 * Send `text` to each contact through its default connection (docs 21.7.2: its first), as
 * one bulk job (see sendBulk: batches per backend, a status each, sent once per
 * `idempotencyKey`: the page's form carries one, so a form sent twice sends once). A contact
 * without a connection, or whose backend refused it, gets its error and the others are
 * still sent to (RapidSMS stops at the first error; a page listing who did not get it
 * serves better).
 * @example const results = await sendToContacts(router, em, 'Clinic closed today', [7, 9])
 */
export async function sendToContacts(router: RouterServices, em: EntityManager, text: string, contactIds: number[], options: { idempotencyKey?: string } = {}): Promise<SendResult[]> {
  const results = new Map<number, SendResult>()
  const byConnection = new Map<string, number>()
  const recipients: { backend: string; identity: string }[] = []
  const configured = new Set(Object.keys(router.settings.backends))
  const ids = [...new Set(contactIds)]
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK)
    const contacts = new Map((await em.find(Contact, { id: { $in: chunk } })).map((c) => [c.id, c]))
    // A contact's default connection is its first (the lowest id).
    const first = new Map<number, Connection>()
    for (const connection of await em.find(Connection, { contact: { $in: chunk } }, { orderBy: { id: 'asc' }, populate: ['backend'] })) {
      const owner = (connection.contact as { id: number } | null)?.id
      if (owner !== undefined && !first.has(owner)) first.set(owner, connection)
    }
    for (const id of chunk) {
      const contact = contacts.get(id)
      const name = contact ? contact.name || `Contact ${id}` : `Contact ${id}`
      const connection = first.get(id)
      const result: SendResult = { contactId: id, name }
      results.set(id, result)
      if (!contact) result.error = 'No such contact.'
      else if (!connection) result.error = 'No connection to send to.'
      else if (!configured.has(connection.backend.name)) result.error = `No backend named ${connection.backend.name} is configured.`
      else {
        byConnection.set(`${connection.backend.name}\n${connection.identity}`, id)
        recipients.push({ backend: connection.backend.name, identity: connection.identity })
      }
    }
  }
  if (recipients.length) {
    const job = await router.sendBulk(text, recipients, { idempotencyKey: options.idempotencyKey })
    for (let after = 0; ; ) {
      const failed = await em.find(BulkRecipient, { job: job.jobId, status: 'E', id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: CHUNK })
      if (!failed.length) break
      after = failed[failed.length - 1]!.id
      for (const row of failed) {
        const result = results.get(byConnection.get(`${row.backend}\n${row.identity}`) ?? -1)
        // The error carries `Error: message`; the message names the backend already.
        if (result) result.error = (row.error ?? 'Not sent.').replace(/^\w*Error: /, '')
      }
    }
  }
  return ids.map((id) => results.get(id)!)
}

function counterText(text: string): string {
  const count = countSegments(text)
  return `${count.characters} character${count.characters === 1 ? '' : 's'} · ${count.segments} SMS (${count.encoding}) · ${count.remaining} left in this SMS`
}

/** Names listed in a page's note of who got the message, and who did not. */
const LISTED = 20

/** The first LISTED of `items`, then how many more. */
function listed<T>(items: T[], show: (item: T) => string, separator: string): string {
  const more = items.length > LISTED ? `${separator}and ${items.length - LISTED} more` : ''
  return items.slice(0, LISTED).map(show).join(separator) + more
}

function MessagingPage({ text, chosen, errors, sendKey }: { text: string; chosen: Recipient[]; errors: FormErrors; sendKey: string }) {
  return (
    <div class="row">
      <div class="col-12 col-lg-8 col-xl-6">
        <Form action="/messaging/" aria-label="Send a message">
          {/* The bulk job's idempotency key: this form sent twice (a double click, a resubmit) sends once. */}
          <Field field={{ name: 'send_key', label: '', type: 'hidden', value: sendKey }} />
          <ContactPicker name="recipients" label="Recipients" chosen={chosen} help="Each gets the message on their default connection (their first)." error={errors.recipients} />
          <Field field={{ name: 'text', label: 'Message', type: 'textarea', rows: 5, value: text, required: true, attrs: { 'aria-describedby': 'segment-counter' } }} error={errors.text} />
          <p id="segment-counter" class="form-text segment-counter" aria-live="polite">
            {counterText(text)}
          </p>
          <button type="submit" class="btn btn-primary">
            Send
          </button>
        </Form>
      </div>
    </div>
  )
}

function messaging(site: Site): Hono<SiteEnv> {
  const app = new Hono<SiteEnv>()
  const { router } = site
  const render = (c: Context<SiteEnv>, text: string, chosen: Recipient[], errors: FormErrors, sendKey = generateId()) =>
    c.render(<MessagingPage text={text} chosen={chosen} errors={errors} sendKey={sendKey} />, { title: 'Send a Text Message', scripts: ['/static/rapidsms/autocomplete.js', '/static/rapidsms/messaging.js'] })

  app.get('/', (c) => render(c, '', [], {}))

  app.post('/', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const text = typeof body.text === 'string' ? body.text : ''
    const ids = pickedIds(body, 'recipients')
    // A form without a key (a client of its own) sends every time it is posted.
    const sendKey = typeof body.send_key === 'string' && /^[0-9a-f]{32}$/.test(body.send_key) ? body.send_key : undefined
    const errors: FormErrors = {}
    if (!text.trim()) errors.text = 'This field is required.'
    if (!ids.length) errors.recipients = 'Choose at least one recipient.'
    if (Object.keys(errors).length) {
      c.status(400)
      const em = site.em()
      const chosen = (await em.find(Contact, { id: { $in: ids } })).map((ct) => ({ id: ct.id, name: ct.name, identity: null, backend: null, label: ct.name || `Contact ${ct.id}` }))
      return render(c, text, chosen, errors, sendKey)
    }
    // The same form with the same text and recipients: the same job. Changed (back, edit, send), a new one.
    const idempotencyKey = sendKey && `messaging-${createHash('sha256').update(JSON.stringify([sendKey, text, [...ids].sort((a, b) => a - b)])).digest('hex').slice(0, 40)}`
    const results = await sendToContacts(router, site.em(), text, ids, { idempotencyKey })
    const sent = results.filter((r) => !r.error)
    const failed = results.filter((r) => r.error)
    if (sent.length) flash(c, 'success', `Sent to ${sent.length} recipient${sent.length === 1 ? '' : 's'}: ${listed(sent, (r) => r.name, ', ')}.`)
    if (failed.length) flash(c, 'danger', `Not sent to ${failed.length}: ${listed(failed, (r) => `${r.name} (${r.error})`, '; ')}`)
    return c.redirect('/messaging/', 302)
  })
  return app
}

/** The Messaging page at `/messaging/` (docs 21.7). */
export const messagingPages = definePages({ path: '/messaging/', title: 'Messaging', create: messaging })
