import { Command, Option } from 'commander'
import { ConfigError } from '../core/errors.js'
import { configureLogging } from '../core/logger.js'
import { CommandError } from './errors.js'
import { loadConfig } from './load-config.js'
import { prettyLines } from './pretty-lines.js'
import { loadData } from './commands/loaddata.js'
import { migrate } from './commands/migrate.js'
import { createSuperuser } from './commands/createsuperuser.js'
import { makeMigrations } from './commands/makemigrations.js'
import { runScriptFiles } from './commands/script.js'
import { printDialoguePaths, testDialogues } from './commands/dialogues.js'
import { start } from './commands/start.js'
import { send } from './commands/send.js'
import { startProject } from './startproject/index.js'
import { environment } from '../core/environment.js'

const out = (line: string) => process.stdout.write(`${line}\n`)
const program = new Command('rapidsms')
  .description('RapidSMS: build SMS services from apps, handlers and backends.')
  .option('-c, --config <file>', 'the project settings (default: rapidsms.config.ts in this folder)')
  .addOption(new Option('--log-format <format>', 'how log lines are written: pretty (for people) or json (one object a line, for collectors); default: pretty on a terminal, else json').choices(['pretty', 'json']))
  .showHelpAfterError()
  .hook('preAction', () => {
    // People read a terminal; machines read JSON lines (output piped to a file or a collector).
    const format = program.opts<{ logFormat?: string }>().logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')
    if (format === 'pretty') configureLogging({ destination: prettyLines() })
  })

function parsePort(value: string, name: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !/^\d+$/.test(value)) throw new ConfigError(name, 'expected a port from 0 to 65535')
  return port
}

const config = () => loadConfig(process.cwd(), program.opts<{ config?: string }>().config)

program
  .command('startproject')
  .description('write a new project: settings, an example app, a test, conversation scripts (Django\'s startproject)')
  .argument('<name>', 'the project name, e.g. clinic')
  .argument('[directory]', 'the folder to write it to (default: ./NAME)')
  .option('--rapidsms <source>', 'a rapidsms folder or a tarball made with "npm pack" for the project to install (default: this rapidsms)')
  .action((name: string, directory: string | undefined, options: { rapidsms?: string }) => {
    startProject(name, directory, options, out)
  })

program
  .command('start')
  .description('start the project: its actors, backends and web edge; Ctrl-C stops it cleanly')
  .option('--no-migrate', 'do not apply pending migrations at start (fail if there are any)')
  .option('--host <host>', 'address the web edge listens on (default: the web.host setting, 127.0.0.1)')
  .option('--port <port>', 'port of the web edge, 0 for any free one (default: the PORT environment variable, else the web.port setting, 8000)', (value) => parsePort(value, '--port'))
  .action(async (options: { migrate: boolean; host?: string; port?: number }) => {
    const port = options.port ?? (environment.port ? parsePort(environment.port, 'PORT') : undefined)
    await start(await config(), { ...options, port })
  })

program
  .command('send')
  .description('send one text to every recipient of a CSV file ("identity" or "identity,backend" a line) as a bulk job: in batches, paced, a status each; Ctrl-C stops, the same command again goes on, once done it sends nothing again')
  .requiredOption('--to-file <file>', 'the CSV file of recipients; a first line naming the columns (identity, backend) is a header')
  .requiredOption('--text <text>', 'the message')
  .option('--backend <name>', "the backend of rows without one (default: the project's only backend)")
  .option('--idempotency-key <key>', 'the job\'s key: a rerun with it goes on where the job stopped and never sends twice (default: a new one, printed)')
  .action(async (options: { toFile: string; text: string; backend?: string; idempotencyKey?: string }) => {
    // stdout has the job's lines; logs go to stderr, beside the progress bar (and not over it).
    const tty = process.stderr.isTTY === true
    const format = program.opts<{ logFormat?: string }>().logFormat ?? (tty ? 'pretty' : 'json')
    configureLogging({ level: environment.rapidsmsLogLevel ? undefined : tty ? 'silent' : 'warn', destination: format === 'pretty' ? prettyLines(2) : process.stderr })
    process.exitCode = await send(await config(), options, { out, tty })
  })

program
  .command('migrate')
  .description('apply the pending database migrations')
  .option('--list', 'list the migrations and whether each is applied')
  .action(async (options: { list?: boolean }) => migrate(await config(), options, out))

program
  .command('loaddata')
  .description("load the fixtures setting's data (e.g. the choices to vote for) into the project's database")
  .action(async () => loadData(await config(), out))

program
  .command('createsuperuser')
  .description('create a user who may log in to every web page and the admin')
  .option('--username <name>', 'the username (asked for unless given)')
  .option('--email <address>', 'the email address (asked for unless given, or with --no-input)')
  .option('--password <password>', 'the password; visible to other users of this machine, so prefer RAPIDSMS_SUPERUSER_PASSWORD with --no-input')
  .option('--no-input', 'ask nothing: take --username, --email and the password from --password or RAPIDSMS_SUPERUSER_PASSWORD')
  .action(async (options: { username?: string; email?: string; password?: string; input: boolean }) => createSuperuser(await config(), options, out))

program
  .command('makemigrations')
  .description("write a migration for the project's own entities (for PostgreSQL and SQLite)")
  .argument('<label>', 'a name for the migration, e.g. AddChoice')
  .option('--out <dir>', 'the folder to write it to', 'migrations')
  .option('--postgres <url>', 'a PostgreSQL server to compute the PostgreSQL SQL on', environment.migrationsPostgresUrl)
  .action(async (label: string, options: { out: string; postgres?: string }) => makeMigrations(await config(), label, options, out))

program
  .command('script')
  .description('run conversation scripts ("IDENTITY > text" / "IDENTITY < reply") against the project')
  .argument('<files...>', 'script files, each one conversation from a fresh database')
  .option('--strict', 'every reply must be checked, in the order it came, right after the message it answers')
  .action(async (files: string[], options: { strict?: boolean }) => {
    if (!environment.rapidsmsLogLevel) configureLogging({ level: 'warn' })
    const failed = await runScriptFiles(await config(), files, out, { strict: options.strict ?? false })
    process.exitCode = failed ? 1 : 0
  })

const dialogues = program.command('dialogues').description("the project's dialogues: test every path of their charts, print the paths as scripts")

dialogues
  .command('test')
  .description('run every path of each dialogue (or of NAME) against the project, on a scratch database with a fake clock; report coverage')
  .argument('[name]', 'the dialogue to test (default: all of them)')
  .option('--verbose', 'a line per path')
  .action(async (name: string | undefined, options: { verbose?: boolean }) => {
    if (!environment.rapidsmsLogLevel) configureLogging({ level: 'warn' })
    const failed = await testDialogues(await config(), name, out, options)
    process.exitCode = failed ? 1 : 0
  })

dialogues
  .command('paths')
  .description("print the paths of a dialogue's chart as conversation scripts (one per path)")
  .argument('<name>', 'the dialogue')
  .option('--out <dir>', 'write one script file per path to this folder instead')
  .option('--identity <identity>', 'the identity the scripts send from', '1112223333')
  .action(async (name: string, options: { out?: string; identity?: string }) => printDialoguePaths(await config(), name, out, options))

const modem = program.command('modem').description('GSM modems on serial ports')
modem
  .command('probe')
  .description('ask a modem who it is and how it is: manufacturer, model, IMEI, SIM, signal, registration, SMS centre, storage')
  .requiredOption('--port <device>', 'the serial device, e.g. /dev/ttyUSB0')
  .option('--baud-rate <n>', 'the speed of the port', (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n <= 0) throw new ConfigError('--baud-rate', 'expected a speed such as 115200')
    return n
  }, 115200)
  .option('--timeout <ms>', 'how long each answer may take', (value) => Number(value), 5000)
  .action(async (options: { port: string; baudRate: number; timeout: number }) => {
    // Loaded only here: the serial port's native binding is not needed by other commands.
    const { modemProbe } = await import('./commands/modem.js')
    process.exitCode = (await modemProbe(options, out)) ? 0 : 1
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof ConfigError || error instanceof CommandError || (error as Error)?.name === 'ScriptSyntaxError') {
    process.stderr.write(`rapidsms: ${(error as Error).message}\n`)
    process.exitCode = 1
  } else {
    throw error
  }
}
