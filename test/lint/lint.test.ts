import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { unexplainedCasts } from '../../scripts/lint-casts.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const tsx = path.join(repo, 'node_modules/.bin/tsx')
const biome = path.join(repo, 'node_modules/.bin/biome')

/** A throwaway tree with the repository's lint configuration and the given source files. */
function tree(t: Test, files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-lint-'))
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  fs.copyFileSync(path.join(repo, '.dependency-cruiser.cjs'), path.join(root, '.dependency-cruiser.cjs'))
  fs.copyFileSync(path.join(repo, 'tsconfig.json'), path.join(root, 'tsconfig.json'))
  const biomeConfig = JSON.parse(fs.readFileSync(path.join(repo, 'biome.json'), 'utf8'))
  delete biomeConfig.$schema
  biomeConfig.vcs = { enabled: false }
  fs.writeFileSync(path.join(root, 'biome.json'), JSON.stringify(biomeConfig))
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }
  return root
}

const boundaries = (root: string) =>
  spawnSync(tsx, [path.join(repo, 'scripts/lint-modules.ts'), '--root', root], { encoding: 'utf8' })

t.test('a deep import into another module fails', async (t) => {
  const root = tree(t, {
    'src/modules/a/index.ts': "export { a } from './service.js'\n",
    'src/modules/a/service.ts': "import { hidden } from '../b/internal.js'\nexport const a = hidden\n",
    'src/modules/b/index.ts': 'export const b = 1\n',
    'src/modules/b/internal.ts': 'export const hidden = 2\n',
  })
  const res = boundaries(root)
  t.equal(res.status, 1)
  t.match(res.stderr, /module-through-index: src\/modules\/a\/service\.ts → src\/modules\/b\/internal\.ts/)
})

t.test('lib importing a module fails', async (t) => {
  const root = tree(t, {
    'src/lib/helper.ts': "import { b } from '../modules/b/index.js'\nexport const helper = b\n",
    'src/modules/b/index.ts': 'export const b = 1\n',
  })
  const res = boundaries(root)
  t.equal(res.status, 1)
  t.match(res.stderr, /lib-imports-no-module: src\/lib\/helper\.ts → src\/modules\/b\/index\.ts/)
})

t.test('a cycle between modules fails even when no file cycle exists', async (t) => {
  const root = tree(t, {
    'src/modules/a/index.ts': "export { w } from './w.js'\n",
    'src/modules/a/w.ts': 'export const w = 1\n',
    'src/modules/a/x.ts': "import { y } from '../b/index.js'\nexport const x = y\n",
    'src/modules/b/index.ts': "export { y } from './y.js'\n",
    'src/modules/b/y.ts': 'export const y = 2\n',
    'src/modules/b/z.ts': "import { w } from '../a/index.js'\nexport const z = w\n",
  })
  const res = boundaries(root)
  t.equal(res.status, 1)
  t.match(res.stderr, /no-module-cycles: a → b → a/)
  t.notMatch(res.stderr, /no-file-cycles/)
})

t.test('an import cycle between files fails', async (t) => {
  const root = tree(t, {
    'src/modules/a/index.ts': "export { x } from './x.js'\n",
    'src/modules/a/x.ts': "import { y } from './y.js'\nexport const x = () => y\n",
    'src/modules/a/y.ts': "import { x } from './x.js'\nexport const y = () => x\n",
  })
  const res = boundaries(root)
  t.equal(res.status, 1)
  t.match(res.stderr, /no-file-cycles: src\/modules\/a\/x\.ts → src\/modules\/a\/y\.ts → src\/modules\/a\/x\.ts/)
})

t.test('foreign keys between tables.ts files are no module dependency', async (t) => {
  const root = tree(t, {
    'src/modules/a/index.ts': "export { y } from '../b/index.js'\n",
    'src/modules/a/tables.ts': 'export const aTable = 1\n',
    'src/modules/b/index.ts': 'export const y = 2\n',
    'src/modules/b/tables.ts': "import { aTable } from '../a/tables.js'\nexport const bTable = aTable\n",
  })
  const res = boundaries(root)
  t.equal(res.status, 0, res.stderr)
})

t.test('an unformatted file fails the format check', async (t) => {
  const root = tree(t, {
    'src/ugly.ts': 'export const x = {a:1,\n b:2}\n',
    'src/tidy.ts': 'export const x = { a: 1, b: 2 }\n',
  })
  t.not(spawnSync(biome, ['format', 'src/ugly.ts'], { cwd: root, encoding: 'utf8' }).status, 0)
  t.equal(spawnSync(biome, ['format', 'src/tidy.ts'], { cwd: root, encoding: 'utf8' }).status, 0)
})

t.test('type escapes need a reason', async (t) => {
  const cases: [string, number][] = [
    ['const a = b as never\n', 1],
    ['const a = b as unknown as C\n', 1],
    ['// @ts-ignore\nconst a = 1\n', 1],
    ['// @ts-ignore -- the generated client lacks this overload\nconst a = 1\n', 0],
    ['const a = b as never // mercurius types resolvers too narrowly\n', 0],
    ['// the driver returns untyped rows\nconst a = b as unknown as C\n', 0],
    ['/**\n * why\n */\nconst a = b as never\n', 0],
    ['const a = b as C\n', 0],
  ]
  for (const [text, problems] of cases) t.equal(unexplainedCasts('x.ts', text).length, problems, JSON.stringify(text))
})
