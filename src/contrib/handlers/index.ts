/** rapidsms/contrib/handlers: keyword and pattern handlers, and the app that runs them (docs 21.3). */
export { HandlersApp } from './app.js'
export { BaseHandler, type HandlerClass } from './handlers/base.js'
export { KeywordHandler, compileKeyword } from './handlers/keyword.js'
export { PatternHandler } from './handlers/pattern.js'
export { NotANumber, parseInteger } from './errors.js'
export { HandlerError, ObjectDoesNotExist } from '../../core/errors.js'
