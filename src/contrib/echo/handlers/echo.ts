import { addCatalogs } from '../../translation/index.js'
import { KeywordHandler } from '../../handlers/index.js'
import { catalogs } from '../locale.js'

addCatalogs(catalogs)

/**
 * Replies with whatever follows ECHO, for remote debugging (docs 21.2): `echo hello` ->
 * `hello`; the keyword alone gets the help text (behaviour 37).
 */
export class EchoHandler extends KeywordHandler {
  static override keyword = 'echo'

  help(): void {
    this.respond(this.t('To echo some text, send: ECHO <ANYTHING>'))
  }

  handle(text: string): void {
    this.respond(text)
  }
}
