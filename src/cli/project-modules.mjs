// A module hook (node:module register) that loads a project's TypeScript files as ES
// modules whatever its package.json says. `npm init -y` writes "type": "commonjs"; Node
// would then load rapidsms.config.ts through the CommonJS loader, which cannot take its
// `import`/`export` (ERR_REQUIRE_CYCLE_MODULE) and would load a second copy of the
// framework besides. Files inside node_modules keep the format their own package gives them.
const TYPESCRIPT = /\.tsx?$/

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  if (resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/') && TYPESCRIPT.test(new URL(resolved.url).pathname)) {
    return { ...resolved, format: 'module' }
  }
  return resolved
}
