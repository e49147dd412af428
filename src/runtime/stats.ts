import type { AppActor } from '../../actors/app.actor.js'
import type { BackendActor } from '../../actors/backend.actor.js'

/** A host's counters, as `/health` shows them. */
export interface HostStats {
  received: number
  connections: number
  appErrors: number
  sent: number
  sendFailures: number
}

/** The counters of a host's actors: messages received, live conversations, app errors, sends. */
export function hostStats(host: { apps: readonly AppActor[]; backends: ReadonlyMap<string, BackendActor>; liveConnections: number }, received: number): HostStats {
  let sent = 0
  let sendFailures = 0
  for (const b of host.backends.values()) {
    sent += b.sent
    sendFailures += b.failed
  }
  return { received, connections: host.liveConnections, appErrors: host.apps.reduce((n, a) => n + a.errorCount, 0), sent, sendFailures }
}
