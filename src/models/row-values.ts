/**
 * Values of rows read with plain SQL, as each database hands them back: SQLite keeps dates as
 * epoch milliseconds and JSON as text; PostgreSQL (through MikroORM's driver) gives dates as
 * text (`2026-12-01 10:30:00+00`) and JSON parsed.
 */

/** A date column's value as a Date (null stays null). */
export function dateFromRow(value: unknown): Date | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) return new Date(Number(value))
  return new Date(String(value))
}

/** A JSON column's value, parsed. */
export function jsonFromRow(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value
}
