/** rapidsms/contrib/default: the reply to messages no app handled (docs 21.1). */
export { DefaultApp } from './app.js'
