import { NotFoundError } from '@mikro-orm/core'
import type { RouterServices } from '../../../apps/router.js'
import { HandlerError, ObjectDoesNotExist } from '../../../core/errors.js'
import { PYTHON_WHITESPACE, pythonStrip } from '../../../core/python.js'
import type { IncomingMessage } from '../../../core/messages/index.js'
import { addCatalogs } from '../../translation/index.js'
import { NotANumber } from '../errors.js'
import { catalogs } from '../locale.js'
import { acceptedAfter, BaseHandler } from './base.js'

addCatalogs(catalogs)

const compiled = new WeakMap<Function, RegExp>()

/**
 * A keyword expression as KeywordHandler matches it: group 1 is the text after the keyword
 * (undefined when nothing follows). Dialogue triggers use the same rules.
 * @example compileKeyword('register|reg|join').exec('JOIN Ann')?.[1] // 'Ann'
 */
export function compileKeyword(keyword: string): RegExp {
  // RapidSMS: leading whitespace, the keyword (in a non-capturing group so it may be an
  // alternation), any run of whitespace , ; : and the rest, which may span lines. No word
  // boundary: "echohello" is ECHO + "hello" (behaviours 30-32). Whitespace is Python's,
  // and case is folded as Python folds it (ſ is s) unless the keyword is not valid in
  // JavaScript's Unicode mode.
  const source = `^[${PYTHON_WHITESPACE}]*(?:${keyword})[${PYTHON_WHITESPACE},;:]*([^${PYTHON_WHITESPACE},;:].*)?$`
  try {
    return new RegExp(source, 'isu')
  } catch {
    return new RegExp(source, 'is')
  }
}

/**
 * A handler for messages that start with a keyword (docs 21.3.2): `handle(rest)` gets the
 * text after it, `help()` runs when nothing follows. The keyword is a regular expression,
 * case-insensitive, e.g. `'register|reg|join'`.
 * @example
 * class LightHandler extends KeywordHandler {
 *   static override keyword = 'light'
 *   help() { this.respond('Send LIGHT ON or LIGHT OFF.') }
 *   handle(text: string) { this.respond(text.toUpperCase() === 'ON' ? 'The light is now turned on.' : 'Send LIGHT ON or LIGHT OFF.') }
 * }
 */
export abstract class KeywordHandler extends BaseHandler {
  /** A regular expression matched against the beginning of the message, case-insensitive. */
  static keyword: string | undefined = undefined

  /** Called when the keyword matches but no text follows. */
  abstract help(): unknown

  /** Called when the keyword matches and text follows; `text` starts at its first non-separator character. */
  abstract handle(text: string): unknown

  /** The compiled keyword expression; HandlerError when the class has no keyword. */
  static regex(): RegExp {
    let regex = compiled.get(this)
    if (!regex) {
      if (!this.keyword) throw new HandlerError('KeywordHandler must define a keyword.')
      regex = compileKeyword(this.keyword)
      compiled.set(this, regex)
    }
    return regex
  }

  static override dispatch(router: RouterServices, msg: IncomingMessage): boolean | Promise<boolean> {
    const match = this.regex().exec(msg.text)
    if (!match) return false
    const Handler = this as unknown as new (router: RouterServices, msg: IncomingMessage) => KeywordHandler
    const handler = new Handler(router, msg)
    const text = match[1]
    if (text === undefined || !pythonStrip(text)) return acceptedAfter(() => handler.help())
    return acceptedAfter(
      () => handler.handle(text),
      (error) => {
        // RapidSMS: a lookup that found nothing answers with its message ("Contact matching
        // query does not exist."); a bad int() answers "Not a valid number: abc" (behaviour 34).
        if (error instanceof ObjectDoesNotExist || error instanceof NotFoundError) handler.respondError(error.message)
        else if (error instanceof NotANumber && error.answerable !== undefined) handler.respondError(handler.t('Not a valid number: %(string)s', { string: error.answerable }))
        else throw error
      },
    )
  }
}
