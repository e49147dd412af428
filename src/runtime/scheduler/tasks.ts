import { getLogger } from '../../core/logger.js'
import type { TimerSource, WakeTime } from '../../core/scheduling.js'
import { dateFromRow, jsonFromRow, type Database } from '../../models/index.js'

const log = getLogger('rapidsms.scheduler')

/** The source of `runAt()`'s stored tasks. */
export const TASKS = 'tasks'

/**
 * The stored one-shot tasks as a timer source: a task runs when due (at start if it fell
 * due while the host was down), then its row goes; a host that stops while it runs runs it
 * again at start (at least once).
 */
export function taskSource(db: Database, handlers: ReadonlyMap<string, (payload: unknown) => unknown>): TimerSource {
  const run = <T>(sql: string, params: unknown[]) => db.orm.em.getConnection().execute<T[]>(sql, params as never[]) as Promise<T[]>
  const date = (ms: number) => (db.dialect === 'sqlite' ? ms : new Date(ms))
  return {
    name: TASKS,
    async load(after, limit) {
      const params: unknown[] = []
      let where = ''
      if (after) (where = 'where run_at > ? or (run_at = ? and id > ?)'), params.push(date(after.at), date(after.at), after.key)
      const rows = await run<Record<string, unknown>>(`select id, task, payload, run_at from rapidsms_scheduled_task ${where} order by run_at, id limit ${Math.floor(limit)}`, params)
      return rows.map((row): WakeTime => {
        const payload = jsonFromRow(row.payload) ?? null
        return { key: String(row.id), at: dateFromRow(row.run_at)!.getTime(), version: 1, data: { task: String(row.task), payload } }
      })
    },
    async fire(wake) {
      const { task, payload } = wake.data as { task: string; payload: unknown }
      const handler = handlers.get(task)
      if (!handler) {
        log.error({ task, id: wake.key }, `no handler for the task "${task}": register one with scheduler.task("${task}", handler); it stays stored`)
        return
      }
      try {
        await handler(payload)
      } catch (error) {
        log.error({ err: error, task, id: wake.key }, `the task "${task}" raised an error`)
      }
      await run('delete from rapidsms_scheduled_task where id = ?', [wake.key])
    },
  }
}
