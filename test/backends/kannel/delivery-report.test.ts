import { describe, expect, it } from 'vitest'
import { DLR_STATUSES, KannelBackend, parseDeliveryReport } from '../../../src/backends/kannel/index.js'
import { parseDateTime } from '../../../src/backends/kannel/delivery-report.js'
import { schemaWith, useScratchDatabase } from '../../support/database.js'
import { captured, fromRequestLine } from './fixtures.js'

const valid = {
  message_id: 'a'.repeat(32),
  identity: '1112223333',
  status: '1',
  status_text: 'Success',
  smsc: 'usb0-modem',
  sms_id: 'b'.repeat(36),
  date_sent: '2026-11-27 10:59:25',
}
const request = (fields: Record<string, string | undefined>) => ({
  method: 'GET',
  query: new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
  body: new Uint8Array(),
})

describe('Kannel delivery reports (behaviour 64)', () => {
  it.each([
    [1, 'Delivery Success'],
    [2, 'Delivery Failure'],
    [4, 'Message Buffered'],
    [8, 'SMSC Submit'],
    [16, 'SMSC Reject'],
  ])('status %i (%s) is accepted', (status, name) => {
    expect(DLR_STATUSES[status as keyof typeof DLR_STATUSES]).toBe(name)
    const parsed = parseDeliveryReport(request({ ...valid, status: String(status) }))
    expect(parsed).toEqual({
      ok: true,
      value: { messageId: valid.message_id, identity: '1112223333', status, statusText: 'Success', smsc: 'usb0-modem', smsId: valid.sms_id, dateSent: new Date('2026-11-27T10:59:25Z') },
    })
  })

  it.each([
    ['status 3', { status: '3' }, 'status', 'Select a valid choice. 3 is not one of the available choices.'],
    ['status 0', { status: '0' }, 'status', 'Select a valid choice. 0 is not one of the available choices.'],
    ['status abc', { status: 'abc' }, 'status', 'Select a valid choice. abc is not one of the available choices.'],
    ['no status', { status: undefined }, 'status', 'This field is required.'],
    ['an sms_id of 37 characters', { sms_id: 'x'.repeat(37) }, 'sms_id', 'Ensure this value has at most 36 characters (it has 37).'],
    ['a message_id of 256 characters', { message_id: 'x'.repeat(256) }, 'message_id', 'Ensure this value has at most 255 characters (it has 256).'],
    ['an identity of 101 characters', { identity: '1'.repeat(101) }, 'identity', 'Ensure this value has at most 100 characters (it has 101).'],
    ['a smsc of 256 characters', { smsc: 'x'.repeat(256) }, 'smsc', 'Ensure this value has at most 255 characters (it has 256).'],
    ['a status_text of 256 characters', { status_text: 'x'.repeat(256) }, 'status_text', 'Ensure this value has at most 255 characters (it has 256).'],
    ['no message_id', { message_id: undefined }, 'message_id', 'This field is required.'],
    ['no identity', { identity: undefined }, 'identity', 'This field is required.'],
    ['no sms_id', { sms_id: undefined }, 'sms_id', 'This field is required.'],
    ['no smsc', { smsc: undefined }, 'smsc', 'This field is required.'],
    ['no status_text', { status_text: undefined }, 'status_text', 'This field is required.'],
    ['no date_sent', { date_sent: undefined }, 'date_sent', 'This field is required.'],
    ['a date_sent that is no date', { date_sent: 'yesterday' }, 'date_sent', 'Enter a valid date/time.'],
    ['a date_sent of February 30th', { date_sent: '2026-02-30 10:00:00' }, 'date_sent', 'Enter a valid date/time.'],
  ])('%s is refused, naming the field', (_, change, field, reason) => {
    expect(parseDeliveryReport(request({ ...valid, ...change }))).toEqual({ ok: false, errors: { [field]: reason } })
  })

  it('an empty status_text is accepted: real Kannel sends one with status 1', () => {
    const parsed = parseDeliveryReport(request({ ...valid, status_text: '' }))
    expect(parsed.ok && parsed.value.statusText).toBe('')
  })

  it.each(captured.dlr_callbacks.map((line) => [line.split('?')[1]!.slice(0, 60), line]))('captured callback %s… is valid', (_, line) => {
    const parsed = parseDeliveryReport(fromRequestLine(line))
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(parsed.value).toMatchObject({ smsc: expect.any(String), identity: '123', dateSent: expect.any(Date) })
  })

  it.each([
    ['2026-11-27 10:59:25', '2026-11-27T10:59:25.000Z'],
    ['2026-11-27T10:59:25.5+02:00', '2026-11-27T08:59:25.500Z'],
    ['2026-11-27 10:59', '2026-11-27T10:59:00.000Z'],
    ['2026-11-27', '2026-11-27T00:00:00.000Z'],
    ['11/27/2026 10:59:25', '2026-11-27T10:59:25.000Z'],
    ['11/27/26', '2026-11-27T00:00:00.000Z'],
    ['2026-11-27 10:59:25.123456+00:00', '2026-11-27T10:59:25.123Z'],
    ['0099-02-28 00:00:00', '0099-02-28T00:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
  ])('date_sent %s is %s', (input, iso) => {
    expect(parseDateTime(input)?.toISOString()).toBe(iso)
  })

  it.each(['0000-01-01', '2026-02-29', '2026-13-01', '2026-11-27 24:00'])('date_sent %s is not a date (Python has no year 0)', (input) => {
    expect(parseDateTime(input)).toBeUndefined()
  })
})

describe(`the DeliveryReport table on ${process.env.RAPIDSMS_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  const scratch = useScratchDatabase({ migrate: false, schema: schemaWith(KannelBackend) })

  it('its migration matches the entity exactly', async () => {
    await scratch.db.migrate()
    expect(await scratch.db.schemaDrift()).toBe('')
  })
})
