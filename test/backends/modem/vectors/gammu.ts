// Real phones' +CMGR answers that gammu's test suite decodes (gammu/gammu, tests/at-sms/NN.dump;
// its README: "collected from randomly available sources on the Internet"). The dumps hold the
// PDU only; the fields below are what the PDUs say, read by hand and checked against gammu's
// message display (sender, time, text).
import type { VectorSet } from './types.js'

export const gammu: VectorSet = {
  source: { repository: 'gammu/gammu', file: 'tests/at-sms/*.dump' },
  decode: [
    {
      name: '02.dump: a stored SUBMIT with a status report request, 7 days',
      hex: '0791361907001003B17A0C913619397750320000AD11CD701E340FB3C3F23CC81D0689C3BF',
      expected: { type: 'submit', smsc: '+639170000130', to: '+639193770523', reference: 0x7a, validity: 7 * 86_400_000, requestStatusReport: true, text: 'May salary na ba?' },
    },
    {
      name: '03.dump: zone +05:30',
      hex: '0791198948004544040C9119894882006200007050307040042206CF35689E9603',
      expected: { type: 'deliver', smsc: '+919884005444', from: '+919884280026', timestamp: '2007-05-03T07:04:40+05:30', text: 'Ok sir' },
    },
    {
      name: '04.dump: alphanumeric sender, 159 septets',
      hex: '07914487200030230406D04F59040000601191806243009F4F990E947DD741EEF71D840EDBCBA0FCBB2E0751CB783A28E8CED3D3ED3268068381AA4B10BD8CA7CF412650AC2904BDCD2072981E06D1DFA0FABC0CA2A3D373509B8E7681A4E576B92D2ECB41F43788FE86B7EA7010280603BDE5A0F65B5E0689CBE6B7BC0C8ADD6232980D447F83CE653A28FFAECB416679B90C0AB3D9EF7BD83D2E83DC653C1DD4A6A301',
      expected: {
        type: 'deliver',
        smsc: '+447802000332',
        from: 'O2_',
        timestamp: '2006-11-19T08:26:34+00:00',
        text: 'O2: You now have your Text Anytime 300 UK texts & 1MB of data to use this mth. Remember to top-up  10 or more before 171206 to get your free allowance next mth',
      },
    },
    {
      name: '05.dump: a stored SUBMIT to a short number, 63 weeks',
      hex: '0791539111161616114F048123000000FF06D0B79BFE9E03',
      expected: { type: 'submit', smsc: '+351911616161', to: '3200', reference: 0x4f, validity: 63 * 7 * 86_400_000, text: 'Pontos' },
    },
    {
      name: '06.dump: a short code sender of unknown type',
      hex: '07915892200613F4000781056317F000007070900145000077C6B71C947FD7E5A072785E06D1DF20B1FC7D9F9741E3B79B5E76D3416133BD2C07A1C36EF2BC4C078DD161F7B94C6681F2EF3AE89E66B341F2F2B89CB6974161D0BC2CB7A7C765D0BC4CA7A7DD67D0FCFD76BB40D3741BCECE83E6617B19149E83C86573B8CEA6BB00',
      expected: { type: 'deliver', from: '5036710', timestamp: '2007-07-09T10:54:00+00:00', text: 'For your ease to browse content after handset changed, you will receive a service setting soon. Simply save as default.' },
    },
    {
      name: '10.dump: accented letters of the default alphabet',
      hex: '07912374151616F6040B912374786468F30000201003024550400B54C29E2E1F8300A0800B',
      expected: { type: 'deliver', smsc: '+32475161616', from: '+32478746863', timestamp: '2002-01-30T20:54:05+01:00', text: 'Tèätrc @ £.' },
    },
    {
      name: '12.dump: zone +07:00',
      hex: '0791261229064012040C912622192340800000700191218253820CE130681C5E97E12072190D',
      expected: { type: 'deliver', from: '+622291320408', timestamp: '2007-10-19T12:28:35+07:00', text: 'aa cakep deh' },
    },
    {
      name: '22.dump: part 1 of 2',
      hex: '0791246020099990400C91247042972767000070107031107440A005000301020182E8B71A040FDBD96516881E5E83DA65907D5C968741EEF49AFC06B9CBEFB53C4C66B34061771AE42EEBDDE1799AED4EB34161D0BA0E7F93D3F63A483D2FB74161771AE42ED7E7EE3A3BCC0285C720FABB5D07B5DF6390BB3C1FA3C3FA32FBAD4BB940D43219342F83C6E8FC9C1E6E83E0F2F0F86D0FD3416150FBAD77874169903B0CA2BF41',
      expected: { type: 'deliver', from: '+420724797276', timestamp: '2007-01-07T13:01:47+01:00', concat: { reference: 1, total: 2, sequence: 1 } },
    },
    {
      name: '30.dump: a status report',
      hex: '079124603050020006E80C91666666666666909070618422809090706184628000',
      expected: { type: 'status-report', smsc: '+420603052000', reference: 0xe8, recipient: '+666666666666', status: 0, delivered: true, timestamp: '2009-09-07T16:48:22+02:00', dischargedAt: '2009-09-07T16:48:26+02:00' },
    },
  ],
}
