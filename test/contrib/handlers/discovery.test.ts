import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppBase, DefaultApp, EchoApp, EchoHandler, HandlersApp, KeywordHandler, LanguageHandler, PingHandler, RegisterHandler, RegistrationApp, type AppClass } from '../../../src/index.js'
import { DISCOVERY_DEPRECATED } from '../../../src/contrib/handlers/app.js'
import { discoverHandlers, handlerModule, type DiscoverySettings } from '../../../src/contrib/handlers/discovery.js'
import { RapidTest } from '../../../src/testing/index.js'
import { captureLogs, type LogLine } from '../../support/logs.js'

class LightSwitchHandler extends KeywordHandler {
  static override keyword = 'light'
  help() {
    this.respond('Send LIGHT ON or LIGHT OFF.')
  }
  handle(text: string) {
    this.respond(text.toUpperCase() === 'ON' ? 'The light is now turned on.' : 'Thanks for turning off the light!')
  }
}

/** A project's own app bringing a handler, named as it would be in INSTALLED_APPS. */
class Lights extends AppBase {
  static override module = 'lights'
  static override handlers = [LightSwitchHandler]
}

const apps: AppClass[] = [HandlersApp, EchoApp, RegistrationApp, Lights, DefaultApp]
const names = (settings: DiscoverySettings) => discoverHandlers(apps, settings, HandlersApp).map((d) => d.handler.name)

describe('handler discovery (docs 21.3.4): which handlers load', () => {
  it('names each handler\'s module as Python would: <app module>.handlers.<name in snake_case>', () => {
    expect(handlerModule(EchoHandler, EchoApp)).toBe('rapidsms.contrib.echo.handlers.echo')
    expect(handlerModule(PingHandler, EchoApp)).toBe('rapidsms.contrib.echo.handlers.ping')
    expect(handlerModule(RegisterHandler, RegistrationApp)).toBe('rapidsms.contrib.registration.handlers.register')
    expect(handlerModule(LanguageHandler, RegistrationApp)).toBe('rapidsms.contrib.registration.handlers.language')
    expect(handlerModule(LightSwitchHandler, Lights)).toBe('lights.handlers.light_switch')
  })

  it.each([
    ['every handler of every installed app, in the order of apps', {}, ['EchoHandler', 'PingHandler', 'RegisterHandler', 'LanguageHandler', 'LightSwitchHandler']],
    ['installedHandlers null: all of them', { installedHandlers: null }, ['EchoHandler', 'PingHandler', 'RegisterHandler', 'LanguageHandler', 'LightSwitchHandler']],
    ['installedHandlers [] : none', { installedHandlers: [] }, []],
    ['"rapidsms.contrib.echo.handlers.echo" matches only EchoHandler', { installedHandlers: ['rapidsms.contrib.echo.handlers.echo'] }, ['EchoHandler']],
    ['"rapidsms.contrib.echo" matches EchoHandler and PingHandler', { installedHandlers: ['rapidsms.contrib.echo'] }, ['EchoHandler', 'PingHandler']],
    ['"rapidsms.contrib" matches every contrib handler', { installedHandlers: ['rapidsms.contrib'] }, ['EchoHandler', 'PingHandler', 'RegisterHandler', 'LanguageHandler']],
    ['prefixes are plain prefixes: "rapidsms.contrib.e" is echo\'s', { installedHandlers: ['rapidsms.contrib.e', 'lights'] }, ['EchoHandler', 'PingHandler', 'LightSwitchHandler']],
    ['excludedHandlers drops the modules it prefixes', { excludedHandlers: ['rapidsms.contrib.echo.handlers.echo', 'rapidsms.contrib.registration'] }, ['PingHandler', 'LightSwitchHandler']],
    ['excludedHandlers wins over installedHandlers', { installedHandlers: ['rapidsms.contrib.echo'], excludedHandlers: ['rapidsms.contrib.echo.handlers.ping'] }, ['EchoHandler']],
    ['handlersExcludeApps by module name: exactly, not as a prefix', { handlersExcludeApps: ['rapidsms.contrib.echo', 'lig'] }, ['RegisterHandler', 'LanguageHandler', 'LightSwitchHandler']],
    ['handlersExcludeApps by app class', { handlersExcludeApps: [RegistrationApp, Lights] }, ['EchoHandler', 'PingHandler']],
  ] as [string, DiscoverySettings, string[]][])('%s', (_title, settings, expected) => {
    expect(names(settings)).toEqual(expected)
  })

  it('a handler two apps bring counts once, for the first app', () => {
    class AlsoEcho extends AppBase {
      static override module = 'also'
      static override handlers = [EchoHandler]
    }
    expect(discoverHandlers([AlsoEcho, EchoApp], {}).map((d) => [d.handler.name, d.module])).toEqual([
      ['EchoHandler', 'also.handlers.echo'],
      ['PingHandler', 'rapidsms.contrib.echo.handlers.ping'],
    ])
  })
})

describe('the handlers app without the handlers setting', () => {
  let logs: { lines: LogLine[]; stop(): void }
  let rapid: RapidTest | undefined
  beforeEach(() => {
    logs = captureLogs('warn')
  })
  afterEach(async () => {
    await rapid?.teardown()
    rapid = undefined
    logs.stop()
  })

  const start = async (settings: Record<string, unknown>) => {
    rapid = await new RapidTest({ settings: { apps, ...settings } }).setup()
    return rapid
  }
  const replies = async (harness: RapidTest, ...texts: string[]) => {
    const [connection] = await harness.lookupConnections(['1112223333'])
    const out: string[] = []
    for (const text of texts) {
      harness.clearSentMessages()
      await harness.receive(text, connection!)
      out.push(...harness.sentMessages.map((m) => m.text))
    }
    return out
  }
  const warnings = () => logs.lines.filter((l) => l.name === 'rapidsms.contrib.handlers').map((l) => l.msg)

  it('discovers the installed apps\' handlers and warns once that this is deprecated', async () => {
    const harness = await start({})
    expect(await replies(harness, 'echo hello', 'ping', 'light on', 'echo again')).toEqual(['hello', 'pong', 'The light is now turned on.', 'again'])
    expect(warnings()).toEqual([DISCOVERY_DEPRECATED])
  })

  it('narrows them with installedHandlers and excludedHandlers, each warned deprecated once', async () => {
    const harness = await start({ installedHandlers: ['rapidsms.contrib.echo', 'lights'], excludedHandlers: ['rapidsms.contrib.echo.handlers.ping'] })
    expect(await replies(harness, 'echo hello', 'ping', 'light on', 'register Ann')).toEqual([
      'hello',
      'Sorry, RapidSMS could not understand your message.',
      'The light is now turned on.',
      'Sorry, RapidSMS could not understand your message.',
    ])
    expect(warnings()).toEqual([
      DISCOVERY_DEPRECATED,
      'The installedHandlers setting (INSTALLED_HANDLERS) is deprecated: list the handlers in the handlers setting instead',
      'The excludedHandlers setting (EXCLUDED_HANDLERS) is deprecated: list the handlers in the handlers setting instead',
    ])
  })

  it('handlersExcludeApps leaves out an app\'s handlers', async () => {
    const harness = await start({ handlersExcludeApps: ['rapidsms.contrib.echo'] })
    expect(await replies(harness, 'echo hello', 'light off')).toEqual(['Sorry, RapidSMS could not understand your message.', 'Thanks for turning off the light!'])
    expect(warnings()).toEqual([DISCOVERY_DEPRECATED, 'The handlersExcludeApps setting (RAPIDSMS_HANDLERS_EXCLUDE_APPS) is deprecated: list the handlers in the handlers setting instead'])
  })

  it('the handlers setting still wins: exactly its handlers, the old settings ignored (and said so)', async () => {
    const harness = await start({ handlers: [PingHandler], excludedHandlers: ['rapidsms.contrib.echo.handlers.ping'] })
    expect(await replies(harness, 'ping', 'echo hello')).toEqual(['pong', 'Sorry, RapidSMS could not understand your message.'])
    expect(warnings()).toEqual(['The excludedHandlers setting (EXCLUDED_HANDLERS) is deprecated and ignored: the handlers setting lists the handlers'])
  })

  it('handlers: [] means no handlers at all, and no warning (behaviour 29)', async () => {
    const harness = await start({ handlers: [] })
    expect(await replies(harness, 'echo hello')).toEqual(['Sorry, RapidSMS could not understand your message.'])
    expect(warnings()).toEqual([])
  })
})
