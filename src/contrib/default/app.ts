import { AppBase } from '../../apps/base.js'
import { ConfigError } from '../../core/errors.js'
import type { IncomingMessage } from '../../core/messages/index.js'
import { addCatalogs, FormatError, pythonFormat, replyLanguage, translate } from '../translation/index.js'
import { catalogs } from './locale.js'

addCatalogs(catalogs)

/**
 * Replies to every message no app handled with the `defaultResponse` setting
 * (DEFAULT_RESPONSE, `%(project_name)s` filled in), as an error message, in the reply
 * language (see `replyInContactLanguage`) when the catalog has it (docs 21.1, behaviours 40-43). `null` sends nothing.
 * Install it last: it never returns true, so apps after it still get their default phase.
 */
export class DefaultApp extends AppBase {
  static override appName = 'default'

  override start(): void {
    // RapidSMS %-formats the response on every message; a bad template fails at startup instead.
    const template = this.router.settings.defaultResponse
    if (template === null) return
    try {
      pythonFormat(template, { project_name: this.router.settings.projectName })
    } catch (error) {
      if (error instanceof FormatError) throw new ConfigError('defaultResponse', error.message)
      throw error
    }
  }

  /** The formatted response by language, template and project name (it is the same for every message). */
  readonly #responses = new Map<string, string>()

  override default(msg: IncomingMessage): void {
    const { defaultResponse, projectName } = this.router.settings
    if (defaultResponse === null) return
    const language = replyLanguage(this.router.settings, msg)
    const key = `${language}\u0000${defaultResponse}\u0000${projectName}`
    let response = this.#responses.get(key)
    if (response === undefined) this.#responses.set(key, (response = translate(language, defaultResponse, { project_name: projectName })))
    msg.error(response)
  }
}
