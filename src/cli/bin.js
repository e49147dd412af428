#!/usr/bin/env node
// The `rapidsms` command. Projects are TypeScript (rapidsms.config.ts), so TypeScript is
// loaded on the fly; nothing needs building first.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
