import { AppBase } from '../../apps/base.js'
import { EchoHandler } from './handlers/echo.js'
import { PingHandler } from './handlers/ping.js'

/**
 * rapidsms.contrib.echo as an installed app: no phase of its own, it brings EchoHandler and
 * PingHandler for handler discovery (projects without the `handlers` setting). With the
 * `handlers` setting, list the two handlers there instead; this app is then not needed.
 */
export class EchoApp extends AppBase {
  static override appName = 'echo'
  static override module = 'rapidsms.contrib.echo'
  static override handlers = [EchoHandler, PingHandler]
}
