import type { RouterServices } from '../../../apps/router.js'
import { HandlerError } from '../../../core/errors.js'
import type { IncomingMessage } from '../../../core/messages/index.js'
import { acceptedAfter, BaseHandler } from './base.js'

const compiled = new WeakMap<Function, RegExp>()

/**
 * A handler for messages that match a regular expression (docs 21.3.2): `handle(...groups)`
 * gets the captures. The pattern is case-insensitive and matched at the start of the text
 * only (Python's `re.match`): anchor the end with `$` yourself.
 * @example
 * class SumHandler extends PatternHandler {
 *   static override pattern = String.raw`^(\d+) plus (\d+)$`
 *   handle(a: string, b: string) { this.respond(`${a}+${b} = ${Number(a) + Number(b)}`) }
 * }
 */
export abstract class PatternHandler extends BaseHandler {
  /** A regular expression (source text or RegExp) the message must match from its start. */
  static pattern: string | RegExp | undefined = undefined

  /** Called with the captures of the pattern (undefined for a group that did not take part). */
  abstract handle(...groups: (string | undefined)[]): unknown

  /** The compiled pattern; HandlerError when the class has none. */
  static regex(): RegExp {
    let regex = compiled.get(this)
    if (!regex) {
      const pattern = this.pattern
      if (!pattern) throw new HandlerError('PatternHandler must define a pattern.')
      const source = typeof pattern === 'string' ? pattern : pattern.source
      const flags = new Set(`${typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '')}iy`)
      // Sticky: the match must start at index 0, like re.match (not re.search).
      regex = new RegExp(source, [...flags].join(''))
      compiled.set(this, regex)
    }
    return regex
  }

  /** The captures when `text` matches, else null. */
  static matchText(text: string): (string | undefined)[] | null {
    const regex = this.regex()
    regex.lastIndex = 0
    let match = regex.exec(text)
    // Python's $ also matches just before a final newline; JavaScript's only at the very end.
    if (!match && text.endsWith('\n') && regex.source.includes('$')) {
      regex.lastIndex = 0
      match = regex.exec(text.slice(0, -1))
    }
    return match ? match.slice(1) : null
  }

  static override dispatch(router: RouterServices, msg: IncomingMessage): boolean | Promise<boolean> {
    const groups = this.matchText(msg.text)
    if (!groups) return false
    const Handler = this as unknown as new (router: RouterServices, msg: IncomingMessage) => PatternHandler
    const handler = new Handler(router, msg)
    return acceptedAfter(() => handler.handle(...groups))
  }
}
