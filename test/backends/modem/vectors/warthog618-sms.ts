// TPDUs (no SMSC field: decodePdu(hex, { smsc: false })) from the Go SMS library's tests
// (warthog618/sms: encoding/tpdu/deliver_internal_test.go, statusreport_internal_test.go,
// cmd/smsdecode/smsdecode_test.go). Their status report tests call the status report decoder
// directly with a first octet of 0x03 (or 0x07); here the TPDU starts 0x02, the TP-MTI that
// names a status report, and is otherwise theirs.
import type { VectorSet } from './types.js'

export const warthog618: VectorSet = {
  source: { repository: 'warthog618/sms', file: 'encoding/tpdu/*_internal_test.go, cmd/smsdecode/smsdecode_test.go' },
  decode: [
    {
      name: 'deliver "haha"',
      hex: '0404913619000051507132200523' + '08C8303A8C0EA3C3',
      smsc: false,
      expected: { type: 'deliver', from: '+6391', timestamp: '2015-05-17T23:02:50+08:00', text: 'Hahahaha' },
    },
    {
      name: 'status report, minimal',
      hex: '0242049136195150713220052351408132200542AB',
      smsc: false,
      expected: { type: 'status-report', reference: 0x42, recipient: '+6391', timestamp: '2015-05-17T23:02:50+08:00', dischargedAt: '2015-04-18T23:02:50+06:00', status: 0xab, delivered: false },
    },
    {
      name: 'status report with TP-PI, TP-DCS and user data',
      hex: '0242049136195150713220052351408132200542AB060406' + Buffer.from('report').toString('hex'),
      smsc: false,
      expected: { type: 'status-report', reference: 0x42, status: 0xab, userData: { text: 'report', encoding: '8bit' } },
    },
    {
      name: 'smsdecode: submit',
      hex: '010005912143f500000bc8329bfd06dddf723619',
      smsc: false,
      expected: { type: 'submit', to: '+12345', text: 'Hello world' },
    },
    {
      name: 'smsdecode: submit in PDU mode',
      hex: '07911614220991f1010005912143f500000bc8329bfd06dddf723619',
      expected: { type: 'submit', smsc: '+61412290191', to: '+12345', text: 'Hello world' },
    },
  ],
  errors: [
    { name: 'deliver: address runs past the end', hex: '04049136F90000', smsc: false, error: /TP-OA|TP-PID|TP-DCS|TP-SCTS/ },
    { name: 'deliver: no TP-PID', hex: '0404913619', smsc: false, error: /TP-PID/ },
    { name: 'deliver: truncated TP-SCTS', hex: '0404913619000051', smsc: false, error: /TP-SCTS/ },
    { name: 'deliver: TP-SCTS not decimal', hex: '04049136190000' + '5150F132200523', smsc: false, error: /TP-SCTS/ },
    { name: 'deliver: user data missing', hex: '040491361900005150713220052308', smsc: false, error: /TP-UD/ },
    { name: 'status report: no TP-ST', hex: '0242049136195150713220052351408132200542', smsc: false, error: /TP-ST/ },
    { name: 'status report: truncated TP-DT', hex: '02420491361951507132200523', smsc: false, error: /TP-DT/ },
    { name: 'smsdecode: user data one octet short', hex: '010005912143f500000bc8329bfd06dddf7236', smsc: false, error: /TP-UD/ },
    { name: 'smsdecode: SMSC runs past the end', hex: '07911614220991', error: /SMSC/ },
  ],
}
