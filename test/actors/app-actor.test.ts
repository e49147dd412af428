import { describe, expect, it } from 'vitest'
import { AppActor } from '../../actors/app.actor.js'
import { AppBase, type RouterServices } from '../../src/apps/index.js'
import { IncomingMessage } from '../../src/core/messages/index.js'
import { captureLogs } from '../support/logs.js'

/** An app that raises in handle (synchronously) and in parse (asynchronously), and records its lifecycle. */
class Faulty extends AppBase {
  static override appName = 'faulty'
  readonly events: string[] = []
  override parse(): Promise<undefined> {
    return Promise.reject(new RangeError('parse broke'))
  }
  override handle(): boolean {
    throw new TypeError('handle broke')
  }
  override start() {
    this.events.push('start')
  }
  override stop() {
    this.events.push('stop')
  }
}

describe('the app actor', () => {
  it('with no inspection stream, an app that raises is logged under rapidsms.apps, counted and recorded; the message goes on', async () => {
    const logs = captureLogs('info')
    const actor = new AppActor(new Faulty({} as RouterServices))
    const msg = new IncomingMessage({ text: 'hi' })
    expect(actor.call('handle', msg)).toBeUndefined()
    expect(await actor.call('parse', msg)).toBeUndefined()
    logs.stop()
    expect(actor.errors).toMatchObject({ handle: 1, parse: 1, filter: 0 })
    expect(actor.errorCount).toBe(2)
    expect(msg.envelope.appErrors).toEqual([
      { app: 'faulty', phase: 'handle', error: 'TypeError: handle broke' },
      { app: 'faulty', phase: 'parse', error: 'RangeError: parse broke' },
    ])
    expect(logs.lines.map((l) => [l.name, l.msg, l.app, l.phase, l.msgId])).toEqual([
      ['rapidsms.apps', 'faulty raised an error in handle', 'faulty', 'handle', msg.id],
      ['rapidsms.apps', 'faulty raised an error in parse', 'faulty', 'parse', msg.id],
    ])
  })

  it('starts and stops its app', async () => {
    const app = new Faulty({} as RouterServices)
    const actor = new AppActor(app)
    await actor.start()
    await actor.stop()
    expect(app.events).toEqual(['start', 'stop'])
  })
})
