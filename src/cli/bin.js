#!/usr/bin/env node
// The `rapidsms` command. Projects are TypeScript (rapidsms.config.ts), so TypeScript is
// loaded on the fly; nothing needs building first. A project's .ts files are ES modules even
// when its package.json says "type": "commonjs" (project-modules.mjs).
import { register as registerHooks } from 'node:module'
import { register } from 'tsx/esm/api'

register()
registerHooks('./project-modules.mjs', import.meta.url)
await import('./main.ts')
