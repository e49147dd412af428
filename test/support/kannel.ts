import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const BEARERBOX = '/usr/sbin/bearerbox'
export const SMSBOX = '/usr/sbin/smsbox'
export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc'
export const SENDSMS_USER = { username: 'rapidsms', password: 'CHANGE-ME' }
const ADMIN_PASSWORD = 'adminpw'
const STATUS_PASSWORD = 'statuspw'

/** Are Kannel and its fake SMSC installed? (With REQUIRE_SERVICES=1 tests must not skip.) */
export function kannelAvailable(): boolean {
  if (process.env.REQUIRE_SERVICES === '1') return true
  return [BEARERBOX, SMSBOX, FAKESMSC].every((f) => existsSync(f))
}

/**
 * A free loopback port (bound, then released), below the kernel's ephemeral range
 * (32768 and up): a port the kernel handed out for bind(0) can be taken by the next
 * outgoing connection of any test running beside this one before Kannel binds it.
 */
export async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (taken.has(port)) continue
    if (await listens(port)) return port
  }
}

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

export interface KannelOptions {
  /** The get-url Kannel calls for every MO, with its escapes (`...?id=%p&text=%a&charset=%C&coding=%c`). */
  getUrl: string
}

/**
 * A private Kannel (bearerbox + smsbox) with a fake SMSC on free loopback ports, and a
 * fakesmsc client reading MO lines from its stdin, as the shared recipe describes. Every
 * process is a child of the test and stop() ends only them.
 */
export class Kannel {
  readonly dir = mkdtempSync(join(tmpdir(), 'rapidsms-kannel-'))
  ports = { admin: 0, box: 0, fake: 0, sendsms: 0 }
  readonly children: Record<string, ChildProcess> = {}
  #fakesmscOutput = ''

  get sendsmsUrl(): string {
    return `http://127.0.0.1:${this.ports.sendsms}/cgi-bin/sendsms`
  }

  /**
   * Start the three, on fresh ports each try: a port can still be taken between the check
   * and Kannel's bind, and then a box exits at once (its log says which port).
   */
  async start(options: KannelOptions, avoid: ReadonlySet<number> = new Set()): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#start(options, avoid)
      } catch (error) {
        await this.#kill()
        if (attempt === 3) throw error
        console.warn(`Kannel did not start (${(error as Error).message}); trying again on other ports`)
      }
    }
  }

  async #start(options: KannelOptions, avoid: ReadonlySet<number>): Promise<void> {
    const taken = new Set(avoid)
    const pick = async () => {
      const port = await freePort(taken)
      taken.add(port)
      return port
    }
    this.ports = { admin: await pick(), box: await pick(), fake: await pick(), sendsms: await pick() }
    const conf = join(this.dir, 'kannel.conf')
    writeFileSync(conf, this.#config(options))
    this.#spawn('bearerbox', [BEARERBOX, '-v', '3', conf])
    // smsbox dies if bearerbox's box port is not listening yet: wait for it first.
    await this.#until('bearerbox', async () => (await this.status()).includes('Status: running') && (await reachable(this.ports.box)))
    this.#spawn('smsbox', [SMSBOX, '-v', '3', conf])
    await this.#until('smsbox', async () => (await this.status()).includes('smsbox:') && (await answers(this.sendsmsUrl)))
    const fakesmsc = spawn(FAKESMSC, ['-H', '127.0.0.1', '-r', String(this.ports.fake), '-i', '0'], { cwd: this.dir, stdio: ['pipe', 'ignore', 'pipe'] })
    this.children.fakesmsc = fakesmsc
    fakesmsc.stderr!.on('data', (chunk: Buffer) => (this.#fakesmscOutput += chunk.toString('utf8')))
    await this.#until('fakesmsc', async () => (await this.status()).includes(`FAKE:${this.ports.fake} (online`))
  }

  /** Type a line into fakesmsc: `<from> <to> text <text>` or `<from> <to> ucs2 <urlencoded UTF-16BE>`. */
  mo(line: string): void {
    this.children.fakesmsc!.stdin!.write(`${line}\n`)
  }

  /** Messages fakesmsc received (`<from> <to> <type> <data>`), waiting until `predicate` holds. */
  async mtLines(predicate: (lines: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const lines = [...this.#fakesmscOutput.matchAll(/Got message \d+: <(.*)>$/gm)].map((m) => m[1]!)
      if (predicate(lines) || Date.now() > deadline) return lines
      // fakesmsc reads the SMSC socket only when stdin is active (or after 1 s): an empty line wakes it.
      this.children.fakesmsc?.stdin?.write('\n')
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async status(): Promise<string> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.ports.admin}/status.txt?password=${STATUS_PASSWORD}`, { signal: AbortSignal.timeout(2000) })
      return await response.text()
    } catch {
      return ''
    }
  }

  async stop(): Promise<void> {
    const fakesmsc = this.children.fakesmsc
    if (fakesmsc && fakesmsc.exitCode === null) fakesmsc.stdin!.end()
    await fetch(`http://127.0.0.1:${this.ports.admin}/shutdown?password=${ADMIN_PASSWORD}`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined)
    await Promise.all(Object.values(this.children).map((child) => ended(child)))
    rmSync(this.dir, { recursive: true, force: true })
  }

  /** The end of a box's console (where Kannel says why it stopped), for the error. */
  #lastLines(name: string): string {
    const file = join(this.dir, `${name}.console`)
    if (!existsSync(file)) return `no ${name}.console in ${this.dir}`
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ')
  }

  /** End what a failed start left running, at once. */
  async #kill(): Promise<void> {
    for (const [name, child] of Object.entries(this.children)) {
      if (child.exitCode === null && child.signalCode === null) {
        const exit = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exit
      }
      delete this.children[name]
    }
  }

  #spawn(name: string, argv: string[]): void {
    const out = openSync(join(this.dir, `${name}.console`), 'w')
    this.children[name] = spawn(argv[0]!, argv.slice(1), { cwd: this.dir, stdio: ['ignore', out, out] })
  }

  async #until(what: string, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 15_000
    while (!(await ready())) {
      for (const [name, child] of Object.entries(this.children)) {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${this.#lastLines(name)}`)
      }
      if (Date.now() > deadline) throw new Error(`${what} not ready after 15 s; see ${this.dir}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  #config({ getUrl }: KannelOptions): string {
    const d = this.dir
    const p = this.ports
    // A group must not contain blank lines; an unknown key is fatal.
    return `group = core
admin-port = ${p.admin}
smsbox-port = ${p.box}
admin-password = ${ADMIN_PASSWORD}
status-password = ${STATUS_PASSWORD}
admin-deny-ip = "*.*.*.*"
admin-allow-ip = "127.0.0.1"
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
log-file = "${d}/bearerbox.log"
log-level = 1
access-log = "${d}/bearerbox-access.log"
store-type = file
store-location = "${d}/kannel.store"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = FAKE
allowed-smsc-id = FAKE
port = ${p.fake}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.box}
sendsms-port = ${p.sendsms}
sendsms-interface = 127.0.0.1
log-file = "${d}/smsbox.log"
log-level = 1
access-log = "${d}/smsbox-access.log"
mo-recode = false
http-request-retry = 3
http-queue-delay = 1

group = sendsms-user
username = ${SENDSMS_USER.username}
password = ${SENDSMS_USER.password}
user-deny-ip = "*.*.*.*"
user-allow-ip = "127.0.0.1"
max-messages = 5
concatenation = true

group = sms-service
keyword = default
catch-all = yes
accepted-smsc = FAKE
max-messages = 0
get-url = "${getUrl}"
`
  }
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) })
    return true
  } catch {
    return false
  }
}

/** Wait for a child to exit: SIGTERM after 10 s, SIGKILL after 5 more. Exit codes are not judged. */
async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const wait = (ms: number) => Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))])
  if (await wait(10_000)) return
  child.kill('SIGTERM')
  if (await wait(5_000)) return
  child.kill('SIGKILL')
  await exit
}
