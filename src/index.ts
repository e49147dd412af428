/** rapidsms: the SMS application framework. What a project imports. */
export { defineConfig, DEFAULT_RESPONSE, PROJECT_NAME, type Settings, type UserSettings } from './core/config.js'
export { ConfigError, ValidationError, BackendSendError, HandlerError, ObjectDoesNotExist, RapidSMSError } from './core/errors.js'
export { getLogger, configureLogging, type Logger } from './core/logger.js'
export { generateId } from './core/ids.js'
export { systemClock, type Clock, type Timer } from './core/clock.js'
export { parseDuration } from './core/duration.js'
export { Inspector, portableEvent, type InspectionEvents, type InspectionEvent, type InspectionType, type InspectionListener } from './core/inspection.js'
export {
  MessageBase,
  IncomingMessage,
  OutgoingMessage,
  ErrorMessage,
  type ResponseContext,
  type ConnectionLike,
  type ContactLike,
  type MessageFields,
  type BackendContext,
} from './core/messages/index.js'
export { MessageScope } from './core/scope.js'
export { AppBase, type AppClass, type Phase, type RouterServices, type SendOptions } from './apps/index.js'
export { BackendBase, type BackendClass, type BackendConfig } from './backends/base.js'
export { inboundPort, type InboundPort, type OutboundPort, type StatusUpdate } from './backends/ports.js'
export { DatabaseBackend, BackendMessage } from './backends/database/index.js'
export { MockBackend, type SentMessage } from './backends/mock/index.js'
export { HttpBackend, genericHttpInbound } from './backends/http/index.js'
export type { InboundView, InboundViewFactory, InboundRequest, InboundMessage, Endpoint } from './backends/http/index.js'
export { KannelBackend, kannelInbound, DeliveryReport, DLR_STATUSES } from './backends/kannel/index.js'
export { VumiBackend, vumiInbound } from './backends/vumi/index.js'
export { Backend, App, Contact, Connection, User, isAnonymous, linkContact, nameContact, defaultConnection, SqlMigration, type MigrationEntry, type InferFields } from './models/index.js'
// What a project's models need from the ORM: from here, so a project never has a second copy of it.
export * from './models/orm-api.js'
export { receive, send, sendBulk, lookupConnections, getRouter, startRouter, stopRouter, Host, type HostOptions } from './router/index.js'
export { BulkInputError, BulkJobBusyError, IdempotencyConflictError, type BulkOptions, type BulkProgress, type BulkRecipientInput, type BulkRecipients, type BulkResult, type BulkJobStatus } from './core/bulk.js'
export { BulkJob, BulkRecipient, RECIPIENT_STATUSES, type RecipientStatus } from './runtime/bulk/index.js'
export { MemoryBus, NatsBus, type Bus, type BusMessage } from './runtime/bus/index.js'
export { startEdge, createEdge, type EdgeServer } from './web/index.js'
export { DefaultApp } from './contrib/default/index.js'
export { EchoApp, EchoHandler, PingHandler } from './contrib/echo/index.js'
export { HandlersApp, BaseHandler, KeywordHandler, PatternHandler, NotANumber, type HandlerClass } from './contrib/handlers/index.js'
export { RegistrationApp, RegisterHandler, LanguageHandler, LANGUAGES, type Language } from './contrib/registration/index.js'
export { HttpTesterApp } from './contrib/httptester/index.js'
export { MessagingApp } from './contrib/messaging/index.js'
export { MessageLogApp, Message as LoggedMessage, messageLogRow } from './contrib/messagelog/index.js'
export {
  translate,
  translator,
  addTranslations,
  addCatalogs,
  groupConnections,
  languageOf,
  pythonFormat,
  type Translator,
  type Catalog,
} from './contrib/translation/index.js'
