import { placeholders, SqlStatements, type RunSql } from '../../../models/sql-statements.js'
import type { Status } from './models.js'

/** The DatabaseRouter's statements (a message costs about ten of them). */
export class RouterStatements extends SqlStatements {
  /** Run `work` in one transaction. */
  transaction<T>(work: (statements: Bound) => Promise<T>): Promise<T> {
    return this.inTransaction((run) => work(new Bound(run, (d) => this.dateParam(d))))
  }

  /** The statements outside a transaction (each commits by itself). */
  get now(): Bound {
    return new Bound(this.runner(), (d) => this.dateParam(d))
  }
}

/** The statements, bound to a transaction or not. */
export class Bound {
  constructor(
    readonly run: RunSql,
    private readonly date: (date: Date) => unknown,
  ) {}

  async insertMessage(row: { direction: 'I' | 'O'; text: string; externalId: string; status: Status; inResponseTo: number | null; at: Date }): Promise<number> {
    const at = this.date(row.at)
    const [inserted] = await this.run<{ id: number }>(
      'insert into db_message (status, date, updated, direction, text, external_id, in_response_to_id) values (?, ?, ?, ?, ?, ?, ?) returning id',
      [row.status, at, at, row.direction, row.text, row.externalId, row.inResponseTo],
    )
    return Number(inserted!.id)
  }

  async insertTransmission(messageId: number, connectionId: number, at: Date): Promise<number> {
    const date = this.date(at)
    const [inserted] = await this.run<{ id: number }>("insert into db_transmission (message_id, connection_id, status, date, updated) values (?, ?, 'Q', ?, ?) returning id", [messageId, connectionId, date, date])
    return Number(inserted!.id)
  }

  /** Every transmission of a message, and the message, to one status. */
  async markMessage(messageId: number, status: Status, at: Date): Promise<void> {
    const date = this.date(at)
    await this.run('update db_transmission set status = ?, updated = ? where message_id = ?', [status, date, messageId])
    await this.run('update db_message set status = ?, updated = ? where id = ?', [status, date, messageId])
  }

  /** Transmissions to a status; `sent` also sets their sent time, otherwise their updated time. */
  async markTransmissions(ids: number[], status: Status, at?: { sent?: Date; updated?: Date }): Promise<void> {
    if (!ids.length) return
    const set = ['status = ?']
    const params: unknown[] = [status]
    if (at?.sent) set.push('sent = ?'), params.push(this.date(at.sent))
    if (at?.updated) set.push('updated = ?'), params.push(this.date(at.updated))
    await this.run(`update db_transmission set ${set.join(', ')} where id in (${placeholders(ids.length)})`, [...params, ...ids])
  }

  async setMessageStatus(messageId: number, status: Status, at?: { updated?: Date; sent?: Date; delivered?: Date }): Promise<void> {
    const set = ['status = ?']
    const params: unknown[] = [status]
    for (const key of ['updated', 'sent', 'delivered'] as const) {
      const value = at?.[key]
      if (value) set.push(`${key} = ?`), params.push(this.date(value))
    }
    await this.run(`update db_message set ${set.join(', ')} where id = ?`, [...params, messageId])
  }

  /** The transmissions of an outgoing message to an identity; returns how many. */
  async markDelivery(messageId: number, identity: string, status: Status, at: Date): Promise<number> {
    const date = this.date(at)
    const rows = await this.run<{ id: number }>(
      `update db_transmission set status = ?, updated = ?${status === 'D' ? ', delivered = ?' : ''} where message_id = ? and connection_id in (select id from rapidsms_connection where identity = ?) returning id`,
      [status, date, ...(status === 'D' ? [date] : []), messageId, identity],
    )
    return rows.length
  }

  /** A message's direction and its transmissions' statuses (none: no such message). */
  async statusesOf(messageId: number): Promise<{ direction: 'I' | 'O'; statuses: string[] } | undefined> {
    const rows = await this.run<{ direction: 'I' | 'O'; status: string | null }>('select m.direction, t.status from db_message m left join db_transmission t on t.message_id = m.id where m.id = ?', [messageId])
    if (!rows.length) return undefined
    return { direction: rows[0]!.direction, statuses: rows.flatMap((r) => (r.status === null ? [] : [r.status])) }
  }
}
