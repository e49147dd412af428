import type { EntityManager } from '@mikro-orm/knex'
import { Hono, type Context } from 'hono'
import type { RouterServices } from '../../apps/router.js'
import { countSegments } from '../../core/segments.js'
import { Contact, defaultConnection } from '../../models/index.js'
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

/**
 * Send `text` to each contact through its default connection (docs 21.7.2: its first), one
 * after the other; a contact without a connection, or whose backend finally failed, gets
 * its error and the others are still sent to (RapidSMS stops at the first error; a page
 * listing who did not get it serves better).
 * @example const results = await sendToContacts(router, em, 'Clinic closed today', [7, 9])
 */
export async function sendToContacts(router: RouterServices, em: EntityManager, text: string, contactIds: number[]): Promise<SendResult[]> {
  const results: SendResult[] = []
  const failed = new Map<string, string>()
  const off = router.inspector.on('send.failed', (event) => {
    if (event.final) failed.set(event.msgId, event.error)
  })
  try {
    for (const id of contactIds) {
      const contact = await em.findOne(Contact, { id })
      if (!contact) {
        results.push({ contactId: id, name: `Contact ${id}`, error: 'No such contact.' })
        continue
      }
      const name = contact.name || `Contact ${id}`
      const connection = await defaultConnection(em, contact)
      if (!connection) {
        results.push({ contactId: id, name, error: 'No connection to send to.' })
        continue
      }
      try {
        const msg = await router.send(text, connection)
        const error = failed.get(msg.id)
        // The event carries `Error: message`; the message names the backend already.
        results.push(error ? { contactId: id, name, error: error.replace(/^\w*Error: /, '') } : { contactId: id, name })
      } catch (error) {
        results.push({ contactId: id, name, error: (error as Error).message })
      }
    }
  } finally {
    off()
  }
  return results
}

function counterText(text: string): string {
  const count = countSegments(text)
  return `${count.characters} character${count.characters === 1 ? '' : 's'} · ${count.segments} SMS (${count.encoding}) · ${count.remaining} left in this SMS`
}

function MessagingPage({ text, chosen, errors }: { text: string; chosen: Recipient[]; errors: FormErrors }) {
  return (
    <div class="row">
      <div class="col-12 col-lg-8 col-xl-6">
        <Form action="/messaging/" aria-label="Send a message">
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
  const render = (c: Context<SiteEnv>, text: string, chosen: Recipient[], errors: FormErrors) =>
    c.render(<MessagingPage text={text} chosen={chosen} errors={errors} />, { title: 'Send a Text Message', scripts: ['/static/rapidsms/autocomplete.js', '/static/rapidsms/messaging.js'] })

  app.get('/', (c) => render(c, '', [], {}))

  app.post('/', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const text = typeof body.text === 'string' ? body.text : ''
    const ids = pickedIds(body, 'recipients')
    const errors: FormErrors = {}
    if (!text.trim()) errors.text = 'This field is required.'
    if (!ids.length) errors.recipients = 'Choose at least one recipient.'
    if (Object.keys(errors).length) {
      c.status(400)
      const em = site.em()
      const chosen = (await em.find(Contact, { id: { $in: ids } })).map((ct) => ({ id: ct.id, name: ct.name, identity: null, backend: null, label: ct.name || `Contact ${ct.id}` }))
      return render(c, text, chosen, errors)
    }
    const results = await sendToContacts(router, site.em(), text, ids)
    const sent = results.filter((r) => !r.error)
    const failed = results.filter((r) => r.error)
    if (sent.length) flash(c, 'success', `Sent to ${sent.length} recipient${sent.length === 1 ? '' : 's'}: ${sent.map((r) => r.name).join(', ')}.`)
    if (failed.length) flash(c, 'danger', `Not sent to ${failed.length}: ${failed.map((r) => `${r.name} (${r.error})`).join('; ')}`)
    return c.redirect('/messaging/', 302)
  })
  return app
}

/** The Messaging page at `/messaging/` (docs 21.7). */
export const messagingPages = definePages({ path: '/messaging/', title: 'Messaging', create: messaging })
