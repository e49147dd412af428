/** rapidsms/contrib/messaging: send a message to contacts from a web page (docs 21.7). */
export { MessagingApp } from './app.js'
export { messagingPages, sendToContacts, type SendResult } from './pages.js'
