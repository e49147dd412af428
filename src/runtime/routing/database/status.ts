import type { Status } from './models.js'

/**
 * A message's status from its transmissions' (behaviour 71, RapidSMS's Message.set_status).
 * Outgoing: any `E` -> `E`; else any not sent or delivered -> `P`; else any not delivered ->
 * `S`; else `D`. Incoming: any `E` -> `E`; else any not received -> `Q`; else `R`.
 */
export function messageStatus(direction: 'I' | 'O', transmissions: readonly string[]): Status {
  const any = (test: (status: string) => boolean) => transmissions.some(test)
  if (any((s) => s === 'E')) return 'E'
  if (direction === 'O') {
    if (any((s) => s !== 'S' && s !== 'D')) return 'P'
    if (any((s) => s !== 'D')) return 'S'
    return 'D'
  }
  return any((s) => s !== 'R') ? 'Q' : 'R'
}
