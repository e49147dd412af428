import { Contact, linkContact, type Connection } from '../../../models/index.js'
import { KeywordHandler } from '../../handlers/index.js'
import { addCatalogs } from '../../translation/index.js'
import { catalogs } from '../locale.js'

addCatalogs(catalogs)

/**
 * REGISTER (or REG, JOIN) <NAME>: creates a contact with exactly that name and links it to
 * the sender's connection, replacing any previous contact (behaviours 44-45, 49). Names are
 * not unique; registering again makes a new contact.
 */
export class RegisterHandler extends KeywordHandler {
  static override keyword = 'register|reg|join'

  help(): void {
    this.respond(this.t('To register, send JOIN <NAME>'))
  }

  async handle(text: string): Promise<void> {
    const contact = this.em.create(Contact, { name: text, language: '' })
    await this.em.flush()
    await linkContact(this.em, this.msg.connections[0] as Connection, contact, this.router.clock.date())
    this.respond(this.t('Thank you for registering, %(name)s!', { name: contact.name }))
  }
}
