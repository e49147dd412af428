import type { BackendContext } from '../../core/messages/index.js'
import { BackendBase, type BackendConfig } from '../base.js'
import { gatewayRequest, requestTimeout, type GatewayRequest } from './client.js'

/**
 * A backend that sends messages as HTTP requests to a gateway (Kannel, Vumi, generic HTTP): it reads
 * its options and `timeout_ms` once, builds the request with `prepareRequest` (RapidSMS's
 * name) and sends it; gateway errors come out as BackendSendErrors the backend actor retries
 * or not.
 */
export abstract class GatewayBackend<Options> extends BackendBase {
  // `declare`: configure() runs inside BackendBase's constructor, before field initializers.
  declare options: Options
  declare timeoutMs: number

  /** Read and check the backend's settings; throw ConfigError naming the key at fault. */
  protected abstract readOptions(config: BackendConfig): Options

  /** The request that sends one message to the given identities. */
  abstract prepareRequest(id: string, text: string, identities: string[], context?: BackendContext): GatewayRequest

  override configure(config: BackendConfig): void {
    this.options = this.readOptions(config)
    this.timeoutMs = requestTimeout(config)
  }

  override async send(id: string, text: string, identities: string[], context: BackendContext): Promise<void> {
    await gatewayRequest(this.name, this.prepareRequest(id, text, identities, context), this.timeoutMs)
  }
}
