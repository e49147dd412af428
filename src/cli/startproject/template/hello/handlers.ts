import { KeywordHandler } from 'rapidsms/contrib/handlers'

/** The example app: HELLO <name> gets a greeting; HELLO alone says how to use it. */
export class HelloHandler extends KeywordHandler {
  static override keyword = 'hello'

  help() {
    this.respond('Send HELLO <your name> to be greeted.')
  }

  handle(name: string) {
    this.respond(`Hello, ${name.trim()}!`)
  }
}
