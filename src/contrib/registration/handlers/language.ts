import { Contact } from '../../../models/index.js'
import { KeywordHandler } from '../../handlers/index.js'
import { addCatalogs } from '../../translation/index.js'
import { languagesOf } from '../languages.js'
import { catalogs } from '../locale.js'

addCatalogs(catalogs)

/**
 * LANGUAGE (or LANG) <CODE or NAME>: sets the registered contact's language to the first
 * entry of the `languages` setting whose code or English name equals the text, any case
 * (behaviours 46-48). The reply is in the language the contact had when the message came.
 */
export class LanguageHandler extends KeywordHandler {
  static override keyword = 'language|lang'

  help(): void {
    this.respond(this.t('To set your language, send LANGUAGE <CODE>'))
  }

  async handle(text: string): Promise<void> {
    const contact = this.msg.connections[0]?.contact
    if (!contact) {
      this.respondError(this.t('You must JOIN or REGISTER yourself before you can set your language preference.'))
      return
    }
    // RapidSMS lower-cases the text but does not trim it: "english " is no language.
    const wanted = text.toLowerCase()
    const found = languagesOf(this.router.settings).find(([code, name]) => wanted === code.toLowerCase() || wanted === name.toLowerCase())
    if (!found) {
      this.respondError(this.t('Sorry, I don\'t speak "%(language)s".', { language: text }))
      return
    }
    const [code, name] = found
    await this.em.nativeUpdate(Contact, { id: contact.id }, { language: code, modifiedOn: this.router.clock.date() })
    contact.language = code
    this.respond(this.t('I will speak to you in %(language)s.', { language: this.t(name) }))
  }
}
