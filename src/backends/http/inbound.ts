import { ConfigError } from '../../core/errors.js'
import { IDENTITY_MAX } from '../../core/config.js'
import type { BackendConfig } from '../base.js'
import { cleanChar, decodeForm, type FieldErrors, type InboundMessage, type InboundRequest, type Parsed } from './form.js'
import { readFormBody } from './form-body.js'
import type { InboundView } from './view.js'

/** The request parameters that carry the sender and the text (RapidSMS's `params`). */
export interface GenericHttpParams {
  identityName: string
  textName: string
}

export const DEFAULT_PARAMS: GenericHttpParams = { identityName: 'identity', textName: 'text' }

/**
 * Parse a request to the generic HTTP view (GenericHttpBackendView + GenericHttpForm):
 * GET reads the query string, POST the form body (urlencoded or multipart). Both parameters
 * are required and trimmed; others are ignored (behaviours 56-60). A POST body that cannot
 * be read as a form is refused with the reason alone (see readFormBody).
 *
 *   GET /backend/http/?identity=1112223333&text=hi+there
 *   POST /backend/http/   identity=1112223333&text=hi+there
 */
export function parseGenericHttp(request: InboundRequest, params: GenericHttpParams = DEFAULT_PARAMS): Parsed<InboundMessage> {
  let data: Map<string, string>
  if (request.method === 'GET') data = decodeForm(request.query)
  else {
    const form = readFormBody(request)
    if (!form.ok) return { ok: false, errors: { __all__: form.reason } }
    data = form.fields
  }
  const errors: FieldErrors = {}
  const text = cleanChar(errors, params.textName, data.get(params.textName))
  const identity = cleanChar(errors, params.identityName, data.get(params.identityName), { maxLength: IDENTITY_MAX })
  if (text === undefined || identity === undefined) return { ok: false, errors }
  return { ok: true, value: { identity, text } }
}

/** The parameter names from a backend's configuration (`identity_name`, `text_name`). */
export function genericHttpParams(config: BackendConfig): GenericHttpParams {
  const name = (key: string, fallback: string) => {
    const value = config[key] ?? fallback
    if (typeof value !== 'string' || !value) throw new ConfigError(key, 'expected a non-empty parameter name')
    return value
  }
  const params = { identityName: name('identity_name', DEFAULT_PARAMS.identityName), textName: name('text_name', DEFAULT_PARAMS.textName) }
  if (params.identityName === params.textName) throw new ConfigError('text_name', 'must differ from identity_name')
  return params
}

/**
 * The generic HTTP inbound view: GET and POST, 200 `OK`. Mount it on any backend with the
 * `inbound` setting, e.g. `{ engine: DatabaseBackend, inbound: genericHttpInbound }`.
 * @example
 * backends: { 'my-provider': { engine: HttpBackend, identity_name: 'phone', text_name: 'message' } }
 */
export function genericHttpInbound(config: BackendConfig): InboundView {
  const params = genericHttpParams(config)
  return { methods: ['GET', 'POST'], okBody: 'OK', parse: (request) => parseGenericHttp(request, params) }
}
