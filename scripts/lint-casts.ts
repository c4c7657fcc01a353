/**
 * No `@ts-ignore`, `as never` or `as unknown as` in src/ without a comment saying why: on
 * the same line, or on the line just above (a `//` line or the end of a block comment).
 *
 *   tsx scripts/lint-casts.ts [DIR]
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ESCAPES = /@ts-ignore|\bas never\b|\bas unknown as\b/

export function unexplainedCasts(file: string, text: string): string[] {
  const lines = text.split('\n')
  const problems: string[] = []
  lines.forEach((line, i) => {
    const match = ESCAPES.exec(line)
    if (!match) return
    const after = line.slice(match.index + match[0].length)
    // `// @ts-ignore -- why` explains itself; a cast may carry its reason at the end of the line.
    if (match[0] === '@ts-ignore' ? /^\s*(--|:)\s*\S/.test(after) : after.includes('//')) return
    let j = i - 1
    while (j >= 0 && lines[j]!.trim() === '') j--
    const above = j >= 0 ? lines[j]!.trim() : ''
    const aboveIsComment = above.startsWith('//') || above.endsWith('*/') || above.startsWith('*')
    if (aboveIsComment && !ESCAPES.test(above)) return
    problems.push(`${file}:${i + 1}: \`${match[0]}\` needs a comment saying why`)
  })
  return problems
}

function* tsFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* tsFiles(full)
    else if (entry.name.endsWith('.ts')) yield full
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(process.argv[2] ?? 'src')
  const problems = [...tsFiles(root)].flatMap((f) =>
    unexplainedCasts(path.relative(process.cwd(), f), fs.readFileSync(f, 'utf8')),
  )
  if (problems.length) {
    console.error(`type escapes without a reason: ${problems.length}`)
    for (const p of problems) console.error(`  ${p}`)
    process.exit(1)
  }
  console.log('type escapes: every one says why')
}
