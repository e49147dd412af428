import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rapidsms } from '../support/cli.js'
import { runShell, sqliteRows, startShell } from '../support/project.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version as string

describe('rapidsms startproject, with a tarball made by npm pack, in a folder outside the repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'rapidsms-startproject-'))
  const project = join(root, 'clinic')
  const tarball = join(root, `rapidsms-${version}.tgz`)
  beforeAll(() => {
    execFileSync('npm', ['pack', '--pack-destination', root], { cwd: repo, stdio: 'ignore' })
  }, 60_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('writes the project: settings, an example app, tests, a script, README; depends on the tarball by path', async () => {
    const result = await rapidsms(['startproject', 'clinic', '--rapidsms', tarball], { cwd: root })
    expect(result.stderr).toBe('')
    expect(result.stdout.split('\n')).toEqual([`Created clinic/, with rapidsms ${version} from ../rapidsms-${version}.tgz (a tarball).`, 'Next:', '  cd clinic', '  npm install', '  npm start', ''])
    for (const file of ['rapidsms.config.ts', 'hello/handlers.ts', 'scripts/hello.txt', 'test/hello.test.ts', 'test/scripts.test.ts', 'migrations/index.ts', 'README.md', 'tsconfig.json', 'vitest.config.mts', '.gitignore', 'package-lock.json']) {
      expect(existsSync(join(project, file)), file).toBe(true)
    }
    expect(existsSync(join(project, '.npmrc'))).toBe(false) // a tarball installs as a copy anyway
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({ name: 'clinic', type: 'module', scripts: { start: 'rapidsms start', test: 'vitest run' }, dependencies: { rapidsms: `file:../rapidsms-${version}.tgz` } })
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'))
    expect(lock.packages['node_modules/rapidsms']).toMatchObject({ version, resolved: `file:../rapidsms-${version}.tgz` })
    expect(lock.packages['node_modules/vitest']).toMatchObject({ dev: true })
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toMatch(/^# clinic\n[\s\S]*npm install && npm start[\s\S]*npm test/)
  })

  it('npm install works from npm\'s cache alone (no registry)', { timeout: 240_000 }, async () => {
    const result = await runShell('npm install', { cwd: project })
    expect(result.code, result.stderr).toBe(0)
    expect(existsSync(join(project, 'node_modules/rapidsms/src/index.ts'))).toBe(true)
    expect(existsSync(join(project, 'node_modules/rapidsms/test'))).toBe(false) // the package holds what a project runs, not the framework's tests
  })

  it('npm start runs it: a message over HTTP gets the example app\'s reply, stored; Ctrl-C stops it cleanly', { timeout: 120_000 }, async () => {
    const server = await startShell('npm start', { cwd: project, env: { PORT: '0' }, ready: /is ready/ })
    const response = await fetch(`${server.url}/backend/message_tester/`, { method: 'POST', body: new URLSearchParams({ identity: '123456', text: 'hello Ann' }) })
    expect(response.status).toBe(200)
    expect(await server.stop()).toContain('router stopped')
    expect(await sqliteRows(join(project, 'rapidsms.db'), "select identity, text from database_backendmessage where direction = 'O'")).toEqual([{ identity: '123456', text: 'Hello, Ann!' }])
  })

  it('npm test passes: the hello app\'s tests and the scripts', { timeout: 120_000 }, async () => {
    const result = await runShell('npm test', { cwd: project })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/Tests\s+3 passed/)
  })

  it('npm run typecheck passes on the project and the framework sources it imports', { timeout: 120_000 }, async () => {
    const result = await runShell('npm run typecheck', { cwd: project })
    expect(result.code, result.stdout + result.stderr).toBe(0)
  })

  it('works when package.json says "type": "commonjs" (as npm init writes)', { timeout: 120_000 }, async () => {
    const file = join(project, 'package.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace('"type": "module"', '"type": "commonjs"'))
    const script = await runShell('npx rapidsms script scripts/hello.txt', { cwd: project })
    expect(script.stdout.trim().split('\n').at(-1), script.stderr).toBe('1 passed, 0 failed')
    const tests = await runShell('npm test', { cwd: project })
    expect(tests.code, tests.stdout + tests.stderr).toBe(0)
  })
})

describe('rapidsms startproject refuses', () => {
  const root = mkdtempSync(join(tmpdir(), 'rapidsms-startproject-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('a folder that is not empty, a name that is not one, a source that is not rapidsms', async () => {
    mkdirSync(join(root, 'taken'))
    writeFileSync(join(root, 'taken', 'notes.txt'), 'mine')
    const taken = await rapidsms(['startproject', 'taken'], { cwd: root })
    expect(taken.code).toBe(1)
    expect(taken.stderr).toBe(`rapidsms: ${join(root, 'taken')} already exists and is not empty\n`)
    const name = await rapidsms(['startproject', '1st site'], { cwd: root })
    expect(name.stderr).toBe('rapidsms: "1st site" is not a valid project name: use letters, digits, "-" and "_", starting with a letter\n')
    const source = await rapidsms(['startproject', 'site', '--rapidsms', root], { cwd: root })
    expect(source.stderr).toBe(`rapidsms: --rapidsms ${root}: not a folder of rapidsms (its package.json must say "name": "rapidsms")\n`)
    expect(existsSync(join(root, 'site'))).toBe(false)
    expect(readFileSync(join(root, 'taken', 'notes.txt'), 'utf8')).toBe('mine')
  })
})
