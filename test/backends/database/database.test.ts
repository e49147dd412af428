import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppBase, BackendMessage, Connection, DatabaseBackend, type IncomingMessage } from '../../../src/index.js'
import { MessageScope } from '../../../src/core/scope.js'
import { useRapidTest } from '../../../src/testing/index.js'
import { startEdge, type EdgeServer } from '../../../src/web/index.js'

/** Would answer anything that got in, so a message that slipped through would leave a row. */
class Echo extends AppBase {
  override handle(msg: IncomingMessage) {
    msg.respond(msg.text)
    return true
  }
}

const rapid = useRapidTest({ apps: [Echo], backends: { message_tester: { engine: DatabaseBackend } } })
let edge: EdgeServer
beforeAll(async () => {
  edge = await startEdge(rapid.router, { port: 0 })
})
afterAll(() => edge.close())

describe('the database backend cannot receive messages from outside (behaviour 54)', () => {
  const form = (body: string) => ({ method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })

  it.each([
    ['GET', '/backend/message_tester/?identity=1112223333&text=hi', {}],
    ['POST', '/backend/message_tester/', form('identity=1112223333&text=hi')],
    ['GET without the trailing slash', '/backend/message_tester?identity=1112223333&text=hi', {}],
    ['POST without the trailing slash', '/backend/message_tester', form('identity=1112223333&text=hi')],
  ])('%s -> 404, nothing received or stored', async (_, path, init) => {
    const response = await fetch(`${edge.url}${path}`, init)
    expect([response.status, await response.text()]).toEqual([404, 'Not Found'])
    expect(rapid.inbound).toEqual([])
    expect(await rapid.em().count(Connection, {})).toBe(0)
    expect(await rapid.em().count(BackendMessage, {})).toBe(0)
  })

  it('is not among the routes the edge serves', () => {
    expect(edge.routes.backends).not.toContain('/backend/message_tester/')
  })

  it('still sends: a message to it is stored as an outgoing row', async () => {
    const [connection] = await rapid.lookupConnections('message_tester', ['1112223333'])
    await rapid.send('hello', connection!)
    const rows = await rapid.em().find(BackendMessage, {})
    expect(rows.map((r) => [r.name, r.direction, r.identity, r.text])).toEqual([['message_tester', 'O', '1112223333', 'hello']])
  })

  it('a send whose message unit the writer holds queues its row there: committed with the unit, the message waiting for it', async () => {
    const backend = rapid.router.backends.get('message_tester')!.backend
    const writer = rapid.router.db.writer
    const scope = new MessageScope()
    writer.hold(scope)
    await backend.send('held-1', 'held', ['1112223333'], {}, scope)
    await writer.drain()
    expect(await rapid.em().count(BackendMessage, { messageId: 'held-1' })).toBe(0)
    writer.release(scope)
    await scope.settle()
    const rows = await rapid.em().find(BackendMessage, { messageId: 'held-1' })
    expect(rows.map((r) => [r.name, r.direction, r.identity, r.text])).toEqual([['message_tester', 'O', '1112223333', 'held']])
  })
})
