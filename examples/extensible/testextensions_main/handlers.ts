import { Contact } from 'rapidsms'
import { KeywordHandler } from 'rapidsms/contrib/handlers'
import type { TestContact } from './app.js'

/** USED shows the sender's contact's `isUsed`; USED YES / USED NO sets it. */
export class UsedHandler extends KeywordHandler {
  static override keyword = 'used'

  /** The sender's contact, loaded with every field apps add to Contact. */
  async contact(): Promise<TestContact | null> {
    const id = this.msg.connections[0]?.contact?.id
    return id === undefined ? null : ((await this.em.findOne(Contact, { id })) as TestContact | null)
  }

  async help() {
    const contact = await this.contact()
    if (!contact) return this.respond('Register first: send JOIN <NAME>')
    this.respond(`${contact.name} is used: ${contact.isUsed ? 'yes' : 'no'}`)
  }

  async handle(text: string) {
    const answer = text.trim().toLowerCase()
    if (answer !== 'yes' && answer !== 'no') return this.respond('Send USED YES or USED NO')
    const contact = await this.contact()
    if (!contact) return this.respond('Register first: send JOIN <NAME>')
    contact.isUsed = answer === 'yes'
    await this.em.flush()
    this.respond(`${contact.name} is used: ${answer}`)
  }
}
