import { afterAll, beforeAll, beforeEach } from 'vitest'
import { RapidTest, type RapidTestOptions } from './rapid-test.js'

/**
 * A RapidTest for a vitest file: set up before all tests, reset before each, torn down after.
 * @example
 * const rapid = useRapidTest({ apps: [PingPong] })
 * it('answers ping', async () => {
 *   const [connection] = await rapid.lookupConnections(['1112223333'])
 *   await rapid.receive('ping', connection)
 *   expect(rapid.outbound[0].text).toBe('pong')
 * })
 */
export function useRapidTest(options: RapidTestOptions = {}): RapidTest {
  const harness = new RapidTest(options)
  beforeAll(() => harness.setup(), 60_000)
  beforeEach(() => harness.reset())
  afterAll(() => harness.teardown())
  return harness
}
