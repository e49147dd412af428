/** rapidsms/contrib/echo: EchoHandler and PingHandler, for remote debugging (docs 21.2). */
export { EchoApp } from './app.js'
export { EchoHandler } from './handlers/echo.js'
export { PingHandler } from './handlers/ping.js'
