import { Utils, type EntityName, type FilterQuery } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/knex'
import type { RouterServices } from '../../../apps/router.js'
import { ObjectDoesNotExist } from '../../../core/errors.js'
import type { IncomingMessage, ResponseContext } from '../../../core/messages/index.js'
import { replyLanguage, translate } from '../../translation/index.js'
import { parseInteger } from '../errors.js'
import { runHandlerTest } from '../test-environment.js'
import { isThenable } from '../../../core/thenable.js'

type Extra = Partial<Omit<ResponseContext, 'text'>>

/**
 * The base of every handler (docs 21.3.2): `dispatch` decides whether the handler takes a
 * message; an instance has `msg`, `router`, `respond` and `respondError`.
 * @example
 * class PingHandler extends BaseHandler {
 *   static override dispatch(router: RouterServices, msg: IncomingMessage) {
 *     if (msg.text !== 'ping') return false
 *     msg.respond('pong')
 *     return true
 *   }
 * }
 */
export class BaseHandler {
  static readonly rapidsmsKind = 'handler'
  /**
   * The handler's module name for `installedHandlers` / `excludedHandlers` prefixes
   * (`rapidsms.contrib.echo.handlers.echo`); by default derived from the app that brings it.
   */
  static module?: string
  /**
   * The language replies are written in: the project's, or (with `replyInContactLanguage`)
   * the contact's language when the message arrived.
   */
  readonly language: string

  constructor(
    readonly router: RouterServices,
    readonly msg: IncomingMessage,
  ) {
    this.language = replyLanguage(router.settings, msg)
  }

  /** Return true (or a promise of it) when this handler takes the message; RapidSMS's base takes none. */
  static dispatch(_router: RouterServices, _msg: IncomingMessage): unknown {
    return false
  }

  /** Queue a reply to the message's sender. */
  respond(text: string, extra: Extra = {}): ResponseContext {
    return this.msg.respond(text, extra)
  }

  /** Queue an error reply (an ErrorMessage) to the message's sender. */
  respondError(text: string, extra: Extra = {}): ResponseContext {
    return this.msg.error(text, extra)
  }

  /** `msgid` in the contact's language, Python-formatted with `values` when given. */
  t(msgid: string, values?: Record<string, unknown>): string {
    return translate(this.language, msgid, values)
  }

  /** The message's EntityManager. */
  get em(): EntityManager {
    return this.msg.em
  }

  /** Python's int(text); a KeywordHandler answers bad input with `Not a valid number: <text>`. */
  int(text: string): number {
    return parseInteger(text)
  }

  /**
   * The one row matching `where`, or ObjectDoesNotExist (`Choice matching query does not
   * exist.`), which a KeywordHandler sends back as an error reply (Django's `objects.get`).
   */
  async get<T extends object>(entity: EntityName<T>, where: FilterQuery<T>): Promise<T> {
    const found = await this.em.findOne(entity, where)
    if (!found) throw new ObjectDoesNotExist(`${Utils.className(entity)} matching query does not exist.`)
    return found
  }

  /**
   * Dispatch a message with `text` from `identity` to this handler alone, as a test: the
   * reply texts in order (maybe none), or false when the handler ignored it. Runs on the
   * running router's database when there is one, else on a private in-memory database.
   * @example expect(await EchoHandler.test('echo hello')).toEqual(['hello'])
   */
  static test(this: HandlerClass, text: string, identity?: string): Promise<string[] | false> {
    return runHandlerTest(this, text, identity ?? 'mock')
  }
}

/** A handler class as settings list them. */
export type HandlerClass = typeof BaseHandler

/**
 * Run `work` and answer true once it is done, synchronously when it is: a handler that
 * accepted a message. `onError` answers the errors it can (and rethrows the others).
 */
export function acceptedAfter(work: () => unknown, onError?: (error: unknown) => void): boolean | Promise<boolean> {
  let result: unknown
  try {
    result = work()
  } catch (error) {
    return answered(error, onError)
  }
  return isThenable(result) ? Promise.resolve(result).then(accepted, (error: unknown) => answered(error, onError)) : true
}

function accepted(): true {
  return true
}

function answered(error: unknown, onError: ((error: unknown) => void) | undefined): true {
  if (!onError) throw error
  onError(error)
  return true
}
