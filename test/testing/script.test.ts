import { describe, expect, it } from 'vitest'
import { parseScript, runSteps, ScriptSyntaxError, type Reply } from '../../src/testing/script.js'

/** A fake router: each text maps to its replies; records what was sent. */
function fakeSend(replies: Record<string, Reply[]>) {
  const sent: string[] = []
  const send = async (identity: string, text: string) => {
    sent.push(`${identity} > ${text}`)
    return replies[text] ?? []
  }
  return { sent, send }
}

describe('parseScript (behaviour 73)', () => {
  it('ignores blank and # lines, even between a message and its reply; a # line names the steps after it', () => {
    const { steps } = parseScript(['# register', '1 > join Ann', '', '   # then the reply', '1 < Thank you', '#', '1 > x'].join('\n'))
    expect(steps).toEqual([
      { line: 2, identity: '1', direction: '>', text: 'join Ann', section: 'register' },
      { line: 5, identity: '1', direction: '<', text: 'Thank you', section: 'then the reply' },
      { line: 7, identity: '1', direction: '>', text: 'x' },
    ])
  })

  it('splits each line at its first < or >, trims both sides and drops a date after @ in the number', () => {
    const { steps } = parseScript(['  8005551212@200804150730 >   hello  ', '+1 555 > a > b', '2 > <b>', '2 < x < y'].join('\n'))
    expect(steps.map((s) => [s.identity, s.direction, s.text])).toEqual([
      ['8005551212', '>', 'hello'],
      ['+1 555', '>', 'a > b'],
      ['2', '>', '<b>'],
      ['2', '<', 'x < y'],
    ])
  })

  it('reads a text in double quotes as a JSON string, and anything that is not one as written', () => {
    const { steps } = parseScript(['1 > "  ping"', '1 < "a \\n b"', '1 > "a" and "b"', '1 < "\\x"'].join('\n'))
    expect(steps.map((s) => s.text)).toEqual(['  ping', 'a \n b', '"a" and "b"', '"\\x"'])
    expect(steps[1]!.literal).toBe('"a \\n b"')
  })

  it('refuses a reply before any message and a line that is neither, naming the line', () => {
    expect(() => parseScript('1 < pong')).toThrow(new ScriptSyntaxError(1, 'a reply (<) must follow a message sent with >'))
    expect(() => parseScript('1 > ping\nhello')).toThrow('line 2: expected "IDENTITY > text" or "IDENTITY < text", got: hello')
    expect(() => parseScript('> ping')).toThrow('line 1: expected')
  })
})

describe('runSteps as RapidSMS checks replies', () => {
  const pong = { identity: '1', text: 'pong' }
  const two = [
    { identity: '1', text: 'one' },
    { identity: '2', text: 'two' },
  ]

  it('each < takes the first matching reply not checked yet, in any order; unchecked replies are ignored', async () => {
    const { send, sent } = fakeSend({ ping: [pong], both: two })
    const script = parseScript(['1 > both', '2 < two', '1 < one', '1 > ping', '1 > ping', '1 < pong'].join('\n'))
    expect(await runSteps(script, send)).toEqual([])
    expect(sent).toEqual(['1 > both', '1 > ping', '1 > ping'])
  })

  it('a reply left unchecked can be checked after later messages', async () => {
    const { send } = fakeSend({ both: two, ping: [pong] })
    expect(await runSteps(parseScript(['1 > both', '1 < one', '1 > ping', '1 < pong', '2 < two'].join('\n')), send)).toEqual([])
  })

  it('a quoted reply matches its JSON string or its literal text', async () => {
    const { send } = fakeSend({ 'echo "hi"': [{ identity: '1', text: '"hi"' }], 'echo  hi ': [{ identity: '1', text: 'hi ' }] })
    expect(await runSteps(parseScript(['1 > echo "hi"', '1 < "hi"', '1 > "echo  hi "', '1 < "hi "'].join('\n')), send)).toEqual([])
  })

  it('reports a reply that no unchecked one matches, with the unchecked ones, and a message that got none', async () => {
    const { send } = fakeSend({ ping: [pong] })
    const failures = await runSteps(parseScript(['# ping', '1 > ping', '1 < PONG', '1 > "  silence"', '2 < pong'].join('\n')), send)
    expect(failures).toEqual([
      { line: 3, section: 'ping', message: 'no such reply among those not checked yet', expected: '1 < PONG', got: '1 < pong' },
      { line: 5, section: 'ping', message: 'no such reply among those not checked yet', expected: '2 < pong', got: '1 < pong' },
    ])
    const none = await runSteps(parseScript('1 > "  silence"\n1 < pong'), send)
    expect(none).toEqual([{ line: 2, message: 'no reply to 1 > "  silence"', expected: '1 < pong', got: undefined, section: undefined }])
  })
})

describe('runSteps in strict mode', () => {
  it('wants every reply, right after its message, in the order it came', async () => {
    const { send } = fakeSend({ ping: [{ identity: '1', text: 'pong' }], both: [{ identity: '1', text: 'one' }, { identity: '2', text: 'two' }] })
    expect(await runSteps(parseScript('1 > both\n1 < one\n2 < two\n1 > ping\n1 < pong'), send, { strict: true })).toEqual([])
    const failures = await runSteps(parseScript('1 > ping\n1 > both\n2 < two\n1 < one'), send, { strict: true })
    expect(failures.map((f) => [f.line, f.message, f.expected, f.got])).toEqual([
      [1, 'unexpected reply to 1 > ping', undefined, '1 < pong'],
      [3, 'wrong reply', '2 < two', '1 < one'],
      [4, 'wrong reply', '1 < one', '2 < two'],
    ])
  })
})

describe('time lines: "... 24h"', () => {
  const reminder = { identity: '1', text: 'Reminder' }

  it('parses a duration after "...", and refuses one that is not', () => {
    const script = parseScript('1 > survey\n... 1h 30m\n1 < Reminder\n...3d')
    expect(script.steps.map((s) => [s.direction, s.text, s.ms])).toEqual([
      ['>', 'survey', undefined],
      ['...', '1h 30m', 5_400_000],
      ['<', 'Reminder', undefined],
      ['...', '3d', 259_200_000],
    ])
    expect(() => parseScript('1 > a\n... soon')).toThrow('line 2: expected "... DURATION" (e.g. "... 24h", "... 90m", "... 1h 30m"), got: ... soon')
    expect(parseScript('... 24h\n1 < Reminder').steps).toHaveLength(2)
  })

  it('moves time with advance() and checks the replies it produced, loosely and strictly', async () => {
    // A clock with one timer, 24 hours after the message.
    let now = 0
    const moved: number[] = []
    const send = async () => ((now = 0), [])
    const advance = async (ms: number) => {
      moved.push(ms)
      const crossed = now < 86_400_000 && now + ms >= 86_400_000
      now += ms
      return crossed ? [reminder] : []
    }
    const script = parseScript('1 > hi\n... 23h\n... 1h\n1 < Reminder')
    expect(await runSteps(script, send, {}, { advance })).toEqual([])
    expect(await runSteps(script, send, { strict: true }, { advance })).toEqual([])
    expect(moved).toEqual([82_800_000, 3_600_000, 82_800_000, 3_600_000])
    expect(await runSteps(parseScript('1 > hi\n... 24h\n... 24h\n1 < Reminder'), send, { strict: true }, { advance })).toEqual([
      { line: 2, section: undefined, message: 'unexpected reply to "... 24h"', expected: undefined, got: '1 < Reminder' },
      { line: 4, section: undefined, message: 'no reply to "... 24h"', expected: '1 < Reminder', got: undefined },
    ])
  })

  it('needs a harness that can move time', async () => {
    await expect(runSteps(parseScript('1 > hi\n... 1h'), async () => [])).rejects.toThrow('line 2: "... 1h" moves the clock, so the harness needs a FakeClock')
  })
})

describe('command lines: "! restart", "! startDialogue NAME IDENTITY..."', () => {
  it('parses them and hands their words to the harness, checking the replies they produced', async () => {
    const script = parseScript('! startDialogue survey 1 2\n1 < Welcome\n2 < Welcome\n! restart')
    expect(script.steps.map((s) => [s.direction, s.text])).toEqual([
      ['!', 'startDialogue survey 1 2'],
      ['<', 'Welcome'],
      ['<', 'Welcome'],
      ['!', 'restart'],
    ])
    const ran: string[][] = []
    const command = async (words: string[]) => (ran.push(words), words[0] === 'startDialogue' ? words.slice(2).map((identity) => ({ identity, text: 'Welcome' })) : [])
    expect(await runSteps(script, async () => [], { strict: true }, { command })).toEqual([])
    expect(ran).toEqual([['startDialogue', 'survey', '1', '2'], ['restart']])
    expect(() => parseScript('!')).toThrow('line 1: expected a command after "!" (e.g. "! restart")')
    await expect(runSteps(script, async () => [])).rejects.toThrow('line 1: "! startDialogue survey 1 2" needs a harness that runs commands')
  })
})
