import { KeywordHandler, PatternHandler } from 'rapidsms/contrib/handlers'

const helpText: Record<string, string> = {
  aaa: 'Help for aaa',
  bbb: 'Help for bbb',
  ccc: 'Help for ccc',
}

/** Tutorial part 2: HELP, and HELP <command> for help on one command. */
export class HelpHandler extends KeywordHandler {
  static override keyword = 'help'

  /** Invoked if someone just sends HELP; also from handle() when the argument is unknown. */
  help() {
    this.respond('Allowed commands are AAA, BBB, and CCC. Send HELP <command> for more help on a specific command.')
  }

  /** Invoked if someone sends HELP <any text>. */
  handle(text: string) {
    const topic = text.trim().toLowerCase()
    if (topic in helpText) this.respond(helpText[topic]!)
    else this.help()
  }
}

/** Tutorial part 2: "1 plus 2" gets "1+2 = 3"; "1+2" or "1 plus 2 " do not match. */
export class SumHandler extends PatternHandler {
  static override pattern = String.raw`^(\d+) plus (\d+)$`

  handle(a: string, b: string) {
    // BigInt: like Python's int, exact however long the numbers are.
    const [x, y] = [BigInt(a), BigInt(b)]
    this.respond(`${x}+${y} = ${x + y}`)
  }
}
