export { createEdge, formInvalidBody, type EdgeOptions, type EdgeRoutes } from './app.js'
export { startEdge, type EdgeServer, type EdgeServerOptions } from './server.js'
export { backendGuard, anyGuard, SECRET_HEADER, SECRET_PARAM, type Guard, type GuardRequest, type Refusal } from './protection.js'
