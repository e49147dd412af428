// SMS-SUBMIT PDUs that real programs wrote to a modem, captured on a pty: Kannel 1.4.5
// (`smsc = at`), gammu 1.42.0, gammu-smsd and smstools 3, from the captured transcripts
// (kannel-at-cmti.txt, gammu-sendsms.txt, gammu-smsd.txt, smstools.txt). Each is decoded, and
// encoded again from the same options to the same octets. The DELIVER and STATUS-REPORT PDUs
// of those transcripts are the scripted modem's, which all four programs accepted.
import type { VectorSet } from './types.js'

const TO = '+254700000009'
const K1 =
  '0051000C915274000000900000A7A0050003020201984C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C9643299'
const K2 = '0051000C915274000000900000A718050003020202984C2693C96432994C2693C9643299'
const G1 =
  '07915155000000F051000C915274000000900000FFA0050003EF0201984C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C9643299'
const G2 = '07915155000000F051000C915274000000900000FF36050003EF0202984C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96432994C2693C96402'

export const kannel: VectorSet = {
  source: { repository: 'Kannel 1.4.5 (smsc = at), captured', file: 'recipes/transcripts/kannel-at-cmti.txt' },
  decode: [
    { name: 'GSM 7-bit with a status report request', hex: '0031000C915274000000900000A71AE8329BFD0699E5EF36681D76BBCB6CD08687DFF8409B32', expected: { type: 'submit', to: TO, validity: 86_400_000, requestStatusReport: true, text: 'hello from kannel [x] €' } },
    { name: 'UCS-2', hex: '0031000C915274000000900008A70A06450631062D06280627', expected: { type: 'submit', to: TO, text: 'مرحبا', encoding: 'ucs2' } },
    { name: 'part 1 of 2', hex: K1, expected: { type: 'submit', text: 'L'.repeat(153), concat: { reference: 2, total: 2, sequence: 1 } } },
    { name: 'part 2 of 2', hex: K2, expected: { type: 'submit', text: 'L'.repeat(17), concat: { reference: 2, total: 2, sequence: 2 } } },
  ],
  encode: [
    { name: 'GSM 7-bit, 24 h, status report', options: { to: TO, text: 'hello from kannel [x] €', validity: '24h', requestStatusReport: true }, pdus: ['0031000C915274000000900000A71AE8329BFD0699E5EF36681D76BBCB6CD08687DFF8409B32'], tpduLengths: [37] },
    { name: 'no status report', options: { to: TO, text: 'no dlr requested', validity: '24h' }, pdus: ['0011000C915274000000900000A710EE3788CC9683E4E578BD3CA797C9'], tpduLengths: [28] },
    { name: 'UCS-2', options: { to: TO, text: 'مرحبا', validity: '24h', requestStatusReport: true }, pdus: ['0031000C915274000000900008A70A06450631062D06280627'], tpduLengths: [24] },
    { name: '170 characters in two parts', options: { to: TO, text: 'L'.repeat(170), validity: '24h', concatReference: 2 }, pdus: [K1, K2], tpduLengths: [154, 35] },
  ],
}

export const gammuCaptured: VectorSet = {
  source: { repository: 'gammu 1.42.0 and gammu-smsd, captured', file: 'recipes/transcripts/gammu-sendsms.txt, gammu-smsd.txt' },
  decode: [
    { name: 'SMSC given, 63 weeks', hex: '07915155000000F011000C915274000000900000FF19E8329BFD0699E5EF36E81C6EB7EBA00D0FBFF1813665', expected: { type: 'submit', smsc: '+15550000000', to: TO, text: 'hello from gammu [x] €' } },
    { name: 'part 2 of 2, reference 0xEF', hex: G2, expected: { text: 'L'.repeat(47), concat: { reference: 0xef, total: 2, sequence: 2 } } },
  ],
  encode: [
    { name: 'GSM 7-bit', options: { to: TO, text: 'hello from gammu [x] €', validity: '63w', smsc: '+15550000000' }, pdus: ['07915155000000F011000C915274000000900000FF19E8329BFD0699E5EF36E81C6EB7EBA00D0FBFF1813665'], tpduLengths: [36] },
    { name: 'UCS-2', options: { to: TO, text: 'مرحبا', validity: '63w', smsc: '+15550000000' }, pdus: ['07915155000000F011000C915274000000900008FF0A06450631062D06280627'], tpduLengths: [24] },
    { name: 'status report', options: { to: TO, text: 'with status report', validity: '63w', smsc: '+15550000000', requestStatusReport: true }, pdus: ['07915155000000F031000C915274000000900000FF12F7341D0D9AD3C3F4FA1C242FC3DF723A'], tpduLengths: [30] },
    { name: '200 characters in two parts', options: { to: TO, text: 'L'.repeat(200), validity: '63w', smsc: '+15550000000', concatReference: 0xef }, pdus: [G1, G2], tpduLengths: [154, 62] },
    { name: 'gammu-smsd', options: { to: TO, text: 'hello from gammu-smsd', validity: '63w', smsc: '+15550000000', requestStatusReport: true }, pdus: ['07915155000000F031000C915274000000900000FF15E8329BFD0699E5EF36E81C6EB7EBAD797B4E06'] },
    { name: 'gammu-smsd UCS-2', options: { to: TO, text: 'مرحبا report', validity: '63w', smsc: '+15550000000', requestStatusReport: true }, pdus: ['07915155000000F031000C915274000000900008FF1806450631062D062806270020007200650070006F00720074'] },
  ],
}

export const smstools: VectorSet = {
  source: { repository: 'smstools 3 (smsd), captured', file: 'recipes/transcripts/smstools.txt' },
  encode: [
    { name: 'GSM 7-bit', options: { to: TO, text: 'hello from smstools', validity: '63w', requestStatusReport: true }, pdus: ['0031000C915274000000900000FF13E8329BFD0699E5EF3668DE9ED3DF6FF61C'], tpduLengths: [31] },
    {
      name: 'UCS-2 with a newline',
      options: { to: TO, text: 'مرحبا from smstools\n', validity: '63w', requestStatusReport: true },
      pdus: ['0031000C915274000000900008FF2806450631062D06280627002000660072006F006D00200073006D00730074006F006F006C0073000A'],
      tpduLengths: [54],
    },
  ],
}

export const scriptedModem: VectorSet = {
  source: { repository: 'the scripted modem the four programs accepted', file: 'recipes/transcripts/kannel-at-cmti.txt, smstools.txt' },
  decode: [
    { name: 'DELIVER with extension characters', hex: '07915155000000F0040C915274000000100000621172018570001DE8329BFD0699E5EF36888E2E83DA6F72B90DDAF0F01B1F685306', expected: { type: 'deliver', smsc: '+15550000000', from: '+254700000001', timestamp: '2026-11-27T10:58:07+00:00', text: 'hello from the modem [x] €' } },
    { name: 'DELIVER in UCS-2 (Arabic)', hex: '07915155000000F0040C915274000000200008621172018580000A06450631062D06280627', expected: { type: 'deliver', from: '+254700000002', text: 'مرحبا', encoding: 'ucs2' } },
    { name: 'STATUS-REPORT for TP-MR 1', hex: '07915155000000F006010C91527400000090621172018570006211720185700000', expected: { type: 'status-report', reference: 1, recipient: TO, status: 0, delivered: true, timestamp: '2026-11-27T10:58:07+00:00' } },
    { name: 'DELIVER waiting on the SIM', hex: '07915155000000F0040C9152740000003000006211721120040022F7709A9E769F416937689A6C82C465F35B5E06CDDB7332684E0FCBE96532', expected: { from: '+254700000003', text: 'waiting in SIM before smsd started' } },
  ],
}
