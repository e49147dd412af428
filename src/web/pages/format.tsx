/** Dates on the pages: UTC, minutes, sortable (`2026-12-01 09:54`). */
export function formatDate(date: Date | null | undefined): string {
  if (!date) return ''
  return date.toISOString().slice(0, 16).replace('T', ' ')
}

/** A date as a `<time>` element, machine-readable, in the pages' format. */
export function Time({ date }: { date: Date | null | undefined }) {
  return date ? <time datetime={date.toISOString()}>{formatDate(date)}</time> : null
}
