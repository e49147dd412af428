import { randomUUID } from 'node:crypto'

/** A fresh message id: a UUID4 as 32 lowercase hex characters, as RapidSMS makes them. */
export function generateId(): string {
  return randomUUID().replaceAll('-', '')
}
