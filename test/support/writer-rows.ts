/**
 * Row `n` of the DatabaseBackend's table (BackendMessage), as the writer's tests write it:
 * message `m<n>` to identity `<n>`, text `t<n>`, sent at 09:00:n on 1 December 2026.
 * @example await db.writer.insert(BackendMessage, [messageRow(1), messageRow(2, { text: 'other' })])
 */
export function messageRow(n: number, extra: Record<string, unknown> = {}) {
  return { name: 'w', direction: 'O', date: new Date(Date.UTC(2026, 11, 1, 9, 0, n)), messageId: `m${n}`, identity: String(n), text: `t${n}`, ...extra }
}
