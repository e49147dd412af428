// PDUs from python-gsmmodem's test suite (faucamp/python-gsmmodem, test/test_pdu.py:
// TestSmsPdu.test_decode, test_encodeSmsSubmit, test_encodeSmsSubmit_concatenated).
import type { VectorSet } from './types.js'

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure dolor in reprehenderit in voluptate velit esse cillum doloe eu fugiat nulla pariatur.Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum'

export const pythonGsmmodem: VectorSet = {
  source: { repository: 'faucamp/python-gsmmodem', file: 'test/test_pdu.py' },
  decode: [
    {
      name: 'SMS-DELIVER Test2',
      hex: '06917228195339040B917228214365F700003130805120618005D4F29C2E03',
      expected: { type: 'deliver', smsc: '+2782913593', from: '+27821234567', pid: 0, timestamp: '2013-03-08T15:02:16+02:00', text: 'Test2', encoding: 'gsm7' },
    },
    {
      name: 'SMS-DELIVER at +08:00',
      hex: '07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E',
      expected: { type: 'deliver', smsc: '+85290000000', from: '+85291234567', timestamp: '2007-04-12T23:25:42+08:00', text: 'It is easy to read text messages via AT commands.' },
    },
    {
      name: 'SMS-DELIVER with extension characters',
      hex: '06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910',
      expected: { type: 'deliver', from: '+27821234567', text: '@{tést}!' },
    },
    {
      name: 'SMS-SUBMIT with relative validity (3 days)',
      hex: '07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701',
      expected: { type: 'submit', smsc: '+31624000000', to: '+31628870634', reference: 13, validity: 3 * 86_400_000, text: 'www.diafaan.com' },
    },
    {
      name: 'SMS-STATUS-REPORT',
      hex: '0006D60B911326880736F4111011719551401110117195714000',
      expected: { type: 'status-report', recipient: '+31628870634', reference: 214 },
    },
    {
      name: 'SMS-DELIVER with a concatenation header (8-bit reference)',
      hex: '0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20',
      expected: { type: 'deliver', from: '2781188', smsc: '+2781191', text: 'Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ', concat: { reference: 0xc3, total: 1, sequence: 1 } },
    },
    {
      name: 'SMS-SUBMIT in UCS-2',
      hex: '07914346466554F601000B914316565811F9000806304253F68449',
      expected: { type: 'submit', to: '+34616585119', smsc: '+34646456456', text: 'あ叶葉', encoding: 'ucs2' },
    },
    {
      name: 'SMS-SUBMIT with 8-bit data',
      hex: '0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421',
      expected: { type: 'submit', to: '+27821234567', smsc: '+2781191', text: 'Hello world!', encoding: '8bit' },
    },
    {
      name: 'SMS-SUBMIT with absolute validity',
      hex: '0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301',
      expected: { type: 'submit', smsc: undefined, text: 'Timestamp validity test', validity: '2013-07-10T13:39:00+02:00' },
    },
    {
      // python-gsmmodem's own note: "Semi-invalid status report PDU captured from a ZTE modem";
      // its recipient is broken in the PDU itself, so only the reference and times are checked.
      name: 'SMS-STATUS-REPORT from a ZTE modem',
      hex: '0297F1061C0F910B487228297020F5317062419272803170624192138000',
      expected: { type: 'status-report', reference: 28, timestamp: '2013-07-26T14:29:27+02:00', dischargedAt: '2013-07-26T14:29:31+02:00' },
    },
  ],
  encode: [
    { name: 'Hello World!', options: { to: '+27820001111', text: 'Hello World!' }, pdus: ['0001000B917228001011F100000CC8329BFD065DDF72363904'], tpduLengths: [24] },
    {
      name: 'UCS-2, 52 weeks, SMSC given',
      options: { to: '+123456789', text: '世界您好！', validity: '52w', smsc: '+44000000000' },
      pdus: ['07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01'],
    },
    {
      name: 'absolute validity',
      options: { to: '+27820001111', text: 'Timestamp validity test', validity: '2013-07-10T13:39:00+02:00' },
      pdus: ['0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301'],
    },
    {
      name: 'three concatenated parts (reference 0, reject duplicates)',
      options: { to: '+15125551234', text: LOREM, reference: 0, rejectDuplicates: true },
      pdus: [
        '0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD',
        '0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B584FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA',
        '0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D947683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287C56F79BD0D',
      ],
    },
  ],
  errors: [
    {
      // python-gsmmodem decodes this one leniently ("User data length is invalid in this PDU
      // (too long)"); we refuse it, as a length that does not add up.
      name: 'UCS-2 with a TP-UDL of 160 octets',
      hex: '0041010C910661345542F60008A0050003000301306F3044',
      error: /TP-UDL/,
    },
  ],
}

/**
 * The field-level vectors of the same file: GSM 7-bit septets and their packing
 * (TestGsm7), semi-octets (TestSemiOctets), address and SMSC fields
 * (TestSmsPduAddressFields, TestSmsPduSmscFields), relative validity (TestRelativeValidityPeriod),
 * timestamps (TestTimestamp) and the concatenation element (TestUdhConcatenation).
 * Not taken: the national number `0129998765` (python-gsmmodem writes type 0xA1, national;
 * we write 0x81, unknown, as ModemManager and gammu do).
 */
export const pythonGsmmodemFields = {
  gsm7: [
    { text: '123', septets: [0x31, 0x32, 0x33], packed: [49, 217, 12] },
    { text: '12345678', septets: [...'12345678'].map((c) => c.charCodeAt(0)), packed: [49, 217, 140, 86, 179, 221, 112] },
    { text: '123456789', septets: [...'123456789'].map((c) => c.charCodeAt(0)), packed: [49, 217, 140, 86, 179, 221, 112, 57] },
    { text: 'Hello World!', septets: [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x57, 0x6f, 0x72, 0x6c, 0x64, 0x21], packed: [200, 50, 155, 253, 6, 93, 223, 114, 54, 57, 4] },
    { text: '[{abc}]~', septets: [0x1b, 0x3c, 0x1b, 0x28, 0x61, 0x62, 0x63, 0x1b, 0x29, 0x1b, 0x3e, 0x1b, 0x3d], packed: [27, 222, 6, 21, 22, 143, 55, 169, 141, 111, 211, 3] },
    {
      text: '123456789012345678901234567890',
      septets: [...'123456789012345678901234567890'].map((c) => c.charCodeAt(0)),
      packed: [49, 217, 140, 86, 179, 221, 112, 57, 88, 76, 54, 163, 213, 108, 55, 92, 14, 22, 147, 205, 104, 53, 219, 13, 151, 131, 1],
    },
    { text: '{åΦΓΛΩΠΨΣΘ€}', septets: [27, 40, 15, 18, 19, 20, 21, 22, 23, 24, 25, 27, 101, 27, 41], packed: [27, 212, 67, 50, 161, 84, 44, 23, 76, 102, 83, 222, 164, 0] },
    { text: 'a[]{}€', septets: [97, 27, 60, 27, 62, 27, 40, 27, 41, 27, 101], packed: [225, 13, 111, 227, 219, 160, 54, 169, 77, 25] },
  ],
  semiOctets: [
    { digits: '15125551234', octets: [0x51, 0x21, 0x55, 0x15, 0x32, 0xf4] },
    { digits: '123', octets: [0x21, 0xf3] },
    { digits: '1234', octets: [0x21, 0x43] },
  ],
  addresses: [
    { address: '+9876543210', hex: '0A918967452301' },
    { address: '+987654321', hex: '099189674523F1' },
    { address: '+27829135934', hex: '0B917228195339F4' },
    { address: 'abc', hex: '06D061F118' },
    { address: 'FRANCOIS', hex: '0ED04669D0397C26A7' },
    { address: 'a[]{}€', hex: '14D0E10D6FE3DBA036A94D19' },
  ],
  smsc: [
    { smsc: '+9876543210', hex: '06918967452301' },
    { smsc: '+987654321', hex: '069189674523F1' },
    { smsc: '+2782913593', hex: '06917228195339' },
  ],
  relativeValidity: [
    { ms: 30 * 60_000, octet: 5 },
    { ms: 16 * 3_600_000, octet: 151 },
    { ms: 3 * 86_400_000, octet: 169 },
    { ms: 5 * 7 * 86_400_000, octet: 197 },
  ],
  timestamps: [
    { iso: '2015-11-27T00:00:00+00:00', hex: '51117200000000' },
    { iso: '2015-11-27T00:00:00+02:00', hex: '51117200000080' },
    { iso: '2007-04-12T23:25:42+08:00', hex: '70402132522423' },
    { iso: '2007-04-12T23:25:42-08:00', hex: '7040213252242B' },
  ],
  concat: [
    { reference: 23, sequence: 1, total: 3, ie: '0003170301' },
    { reference: 384, sequence: 2, total: 4, ie: '080401800402' },
  ],
}
