import { portableEvent, type Inspector } from '../core/inspection.js'
import { NatsBus, type Bus } from './bus/index.js'

/**
 * Put the inspection stream on the bus when the bus leaves the process (NATS): every event
 * as `rapidsms.events.<type>` without its live message, for other hosts, metrics and the
 * visualizer. In one process listeners subscribe to the inspector itself, and an in-memory
 * bus gets nothing, so a lone host pays nothing for events nobody reads. Returns the
 * function that stops publishing.
 */
export function publishEvents(inspector: Inspector, bus: Bus): (() => void) | undefined {
  if (!(bus instanceof NatsBus)) return undefined
  return inspector.subscribe((event) => bus.publish(`rapidsms.events.${event.type}`, portableEvent(event) as Record<string, unknown>))
}
