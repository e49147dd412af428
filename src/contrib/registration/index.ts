/** rapidsms/contrib/registration: REGISTER and LANGUAGE by SMS (docs 21.8). */
export { RegistrationApp, languagesOf } from './app.js'
export { RegisterHandler } from './handlers/register.js'
export { LanguageHandler } from './handlers/language.js'
export { LANGUAGES, type Language } from './languages.js'
