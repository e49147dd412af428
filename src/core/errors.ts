/** Base class of every error this framework raises on purpose. */
export class RapidSMSError extends Error {
  override name = 'RapidSMSError'
}

/** A setting is missing, misspelled or of the wrong type. `key` is the dotted path at fault. */
export class ConfigError extends RapidSMSError {
  override name = 'ConfigError'
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(key ? `Invalid setting "${key}": ${reason}` : `Invalid settings: ${reason}`)
  }

  /** The same error for a setting nested under `prefix` (e.g. `backends.kannel`). */
  under(prefix: string): ConfigError {
    return new ConfigError(this.key ? `${prefix}.${this.key}` : prefix, this.reason)
  }
}

/** Input from outside (an HTTP request, a form) is not acceptable. `field` names the culprit. */
export class ValidationError extends RapidSMSError {
  override name = 'ValidationError'
  constructor(
    readonly field: string,
    /** What is wrong, without the field's name. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`)
  }
}

/** A backend could not hand a message to its gateway. */
export class BackendSendError extends RapidSMSError {
  override name = 'BackendSendError'
  constructor(
    readonly backend: string,
    reason: string,
    readonly options: { status?: number; retryable?: boolean; failedIdentities?: string[]; cause?: unknown } = {},
  ) {
    super(`${backend}: ${reason}`, { cause: options.cause })
  }
}

/** A handler class is misdefined (no keyword, no pattern). */
export class HandlerError extends RapidSMSError {
  override name = 'HandlerError'
}

/** Raised for a lookup that found nothing; handlers reply with its message (RapidSMS's DoesNotExist). */
export class ObjectDoesNotExist extends RapidSMSError {
  override name = 'ObjectDoesNotExist'
}
