import { Contact, CONTACT_NAME_MAX, linkContact, type Connection } from '../../../models/index.js'
import { KeywordHandler } from '../../handlers/index.js'
import { addCatalogs } from '../../translation/index.js'
import { catalogs } from '../locale.js'

addCatalogs(catalogs)

/**
 * REGISTER (or REG, JOIN) <NAME>: creates a contact with exactly that name and links it to
 * the sender's connection, replacing any previous contact (behaviours 44-45, 49). Names are
 * not unique; registering again makes a new contact. A name longer than the contact's
 * column is refused with an error reply (RapidSMS fails on PostgreSQL and stores it on SQLite).
 */
export class RegisterHandler extends KeywordHandler {
  static override keyword = 'register|reg|join'

  help(): void {
    this.respond(this.t('To register, send JOIN <NAME>'))
  }

  async handle(text: string): Promise<void> {
    if ([...text].length > CONTACT_NAME_MAX) {
      this.respondError(this.t('Sorry, a name can have at most %(max)s characters.', { max: CONTACT_NAME_MAX }))
      return
    }
    const contact = this.em.create(Contact, { name: text, language: '' })
    await this.em.flush()
    await linkContact(this.em, this.msg.connections[0] as Connection, contact, this.router.clock.date())
    this.respond(this.t('Thank you for registering, %(name)s!', { name: contact.name }))
  }
}
