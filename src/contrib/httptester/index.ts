/** rapidsms/contrib/httptester: the Message Tester page (docs 21.4). */
export { HttpTesterApp } from './app.js'
export { testerPages, TESTER_BACKEND } from './pages.js'
