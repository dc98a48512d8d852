/**
 * `npm run bench -- <name>`: speed figures, each compared side by side with its baseline in the same run.
 * Timings are noisy on shared 2-core machines, which is why they live here and not in timed unit tests.
 */
const BENCHES = {
  session: () => import('./session'),
  conversation: () => import('./conversation'),
  chroma: () => import('./chroma'),
  sandbox: () => import('./sandbox'),
  attract: () => import('./attract'),
  presence: () => import('./presence'),
} as const

type BenchName = keyof typeof BENCHES

const requested = process.argv.slice(2)
const names = (
  requested.length === 0 || requested.includes('all') ? Object.keys(BENCHES) : requested
) as BenchName[]
const unknown = names.filter((name) => !Object.hasOwn(BENCHES, name))
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown bench: ${unknown.join(', ')}. Choose from: ${Object.keys(BENCHES).join(', ')}, all\n`,
  )
  process.exit(2)
}
for (const name of names) {
  const { run } = await BENCHES[name]()
  const result = await run()
  process.stdout.write(`${JSON.stringify({ ...result, bench: name })}\n`)
}

export {}
