/** Translation by contact language (docs chapter 11): catalogs, translators, groupConnections. */
export { addTranslations, addCatalogs, translate, DEFAULT_LANGUAGE, type Catalog } from './catalog.js'
export { translator, languageOf, replyLanguage, groupConnections, type Translator, type LanguageTarget, type ReplyLanguageSettings } from './language.js'
export { pythonFormat, FormatError } from './format.js'
