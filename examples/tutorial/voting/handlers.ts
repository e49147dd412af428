import { raw, sql } from 'rapidsms'
import { KeywordHandler } from 'rapidsms/contrib/handlers'
import { Choice } from './models.js'

/** RESULTS: the votes of every choice, e.g. "Moe: 27; Larry: 15; Curly: 98". */
export class ResultsHandler extends KeywordHandler {
  static override keyword = 'results'

  /** RESULTS with no arguments. */
  async help() {
    const choices = await this.em.find(Choice, {}, { orderBy: { id: 'asc' } })
    this.respond(choices.map((choice) => `${choice.name}: ${choice.votes}`).join('; '))
  }

  /** Arguments after RESULTS do not matter. */
  async handle() {
    await this.help()
  }
}

/** VOTE <choice>: counts a vote for a choice (any case); anything else gets the valid commands. */
export class VoteHandler extends KeywordHandler {
  static override keyword = 'vote'

  /** Responds e.g. "Valid commands: VOTE <Moe|Larry|Curly>". */
  async help() {
    const choices = await this.em.find(Choice, {}, { orderBy: { id: 'asc' } })
    this.respond(`Valid commands: VOTE <${choices.map((choice) => choice.name).join('|')}>`)
  }

  async handle(text: string) {
    const name = text.trim()
    // Count the vote in one UPDATE, so concurrent votes never overwrite each other; it
    // touches no row when no choice has that name.
    const counted = await this.em.nativeUpdate(Choice, { [sql.lower('name')]: name.toLowerCase() }, { votes: raw('votes + 1') })
    if (counted) this.respond(`Your vote for ${name} has been counted`)
    else await this.help()
  }
}
