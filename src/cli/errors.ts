/** A command that cannot do what it was asked; `rapidsms` prints the message and exits 1. */
export class CommandError extends Error {
  override name = 'CommandError'
}
