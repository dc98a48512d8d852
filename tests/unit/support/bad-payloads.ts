import { z } from 'zod'
import { CALL_NAMES, bridgeCalls, type CallName, type CallRequest } from '../../../src/shared/contract'
import { SettingsSchema } from '../../../src/shared/settings/schema'

/**
 * Bad input for every bridge call, generated from the contract registry, so a call added to the contract is
 * covered without touching the tests (its valid request below is required by the type).
 */

/** What a valid request of each call refers to in the kiosk under test. */
export interface RequestTargets {
  /** A lease the kiosk issued and whose session is open: a report that slipped through would end it. */
  lease: string
  sessionId: string
}

/** One valid request per call: each bad case changes exactly one thing about it. */
export function validRequests(targets: RequestTargets): { [Name in CallName]: CallRequest<Name> } {
  const requests = {
    getSettings: undefined,
    updateSettings: { avatar: { quality: 'medium' } },
    setSecret: { name: 'llmApiKey', value: 'sk-valid-but-never-sent-0001' },
    clearSecret: { name: 'llmApiKey' },
    setAdminPin: { pin: '13579024' },
    unlockAdmin: { pin: '000000' },
    lockAdmin: undefined,
    mintSessionToken: undefined,
    reportSession: { lease: targets.lease, sessionId: targets.sessionId, state: 'stopped' },
    log: { level: 'info', message: 'hello', context: { step: 1 } },
    listBackgrounds: undefined,
    transcribe: { audioBase64: 'UklGRiQAAABXQVZF', format: 'wav' },
    // With the optional flag set, so its wrong-typed cases know it is a boolean.
    askAssistant: { requestId: 'request-1', text: 'Where is the lift?', speculative: true },
    commitAnswer: { requestId: 'request-1' },
    cancelAnswer: { requestId: 'request-1' },
    endConversation: undefined,
    synthesizeSpeech: { requestId: 'request-1', text: 'It is on your left.' },
    listCatalog: { kind: 'avatars' },
    reloadPage: undefined,
    recordUsage: { event: 'error', errorKind: 'session-start' },
    getUsage: { days: 7 },
    runDiagnostics: undefined,
    getAutostart: undefined,
    setAutostart: { enabled: false },
  } as const
  // Returned as a variable, so the type demands every call but a call still being added is no excess key.
  return requests
}

export interface BadInputSizes {
  /** A string far over every limit (10 MB at the bridge; under the web host's body limit over HTTP). */
  hugeString: string
  /** An array where none is allowed. */
  hugeArray: readonly unknown[]
  /** How many keys an object with too many keys has (a million take main seconds to refuse, see the report). */
  manyKeys: number
  /**
   * Huge values in every field and every setting (at the bridge), or only as the request and in its first
   * field (over HTTP, where each one is a body of megabytes).
   */
  hugeInEveryField: boolean
}

export interface BadCase {
  call: CallName
  label: string
  payload: unknown
  /** The field path the typed error must name (`(root)` for the request as a whole). */
  path: string | RegExp
}

/** An object with `count` keys `k0`, `k1`…, besides the fields of `base`. */
function withManyKeys(base: unknown, count: number, value: unknown = 1): Record<string, unknown> {
  const object: Record<string, unknown> = { ...(base as object) }
  for (let index = 0; index < count; index += 1) object[`k${index}`] = value
  return object
}

/** A caller's key is cut in an error's path, never echoed whole. */
const CUT_KEY = /^(?:[\w.]+\.)?A{1,100}…$/

type TypeClass = 'undefined' | 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean'

function typeClass(value: unknown): TypeClass {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value as TypeClass
}

/** Values of every JSON type, to put where a field expects another one. */
function wrongTypedValues(): [string, unknown][] {
  return [
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['a short string', 'text'],
    ['an empty array', []],
    ['an empty object', {}],
  ]
}

function hugeValues(sizes: BadInputSizes): [string, unknown][] {
  return [
    [`a ${sizes.hugeString.length}-character string`, sizes.hugeString],
    [`a ${sizes.hugeArray.length}-element array`, sizes.hugeArray],
  ]
}

/** A JSON object carrying `key` as an own property, as `JSON.parse` makes it (an object literal would not). */
function withOwnKey(base: unknown, key: string, value: unknown): unknown {
  const object = typeClass(base) === 'object' ? { ...(base as object) } : {}
  return JSON.parse(
    JSON.stringify(object)
      .replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value)},`)
      .replace(/,\}$/, '}'),
  )
}

function requestShape(call: CallName): Record<string, z.ZodType> | undefined {
  const request = bridgeCalls[call].request as z.ZodType
  return request instanceof z.ZodObject ? (request.shape as Record<string, z.ZodType>) : undefined
}

/**
 * Wrong shapes for the whole request, wrong types and huge values in each field, unknown keys and
 * prototype-pollution keys; for `updateSettings` also a wrong value at every leaf of the settings schema.
 */
export function badCases(targets: RequestTargets, sizes: BadInputSizes, only?: CallName): BadCase[] {
  const valid = validRequests(targets) as Record<CallName, unknown>
  const cases: BadCase[] = []
  for (const call of CALL_NAMES) {
    if (only !== undefined && call !== only) continue
    const base = valid[call]
    const shape = requestShape(call)
    const add = (label: string, payload: unknown, path: string | RegExp) =>
      cases.push({ call, label, payload, path })

    for (const [label, value] of [...wrongTypedValues(), ...hugeValues(sizes)]) {
      if (typeClass(value) !== typeClass(base)) add(`${label} as the request`, value, '(root)')
    }
    const pollution: [string, unknown][] = [
      ['__proto__', { polluted: true }],
      ['constructor', { prototype: { polluted: true } }],
      ['unexpected', 1],
    ]
    for (const [key, value] of pollution) {
      add(`an own "${key}" key`, withOwnKey(base, key, value), shape === undefined ? '(root)' : key)
    }
    if (shape === undefined) continue
    add(`${sizes.manyKeys} unknown keys`, withManyKeys(base, sizes.manyKeys), /^k\d+$/)
    add(
      `a ${sizes.hugeString.length}-character unknown key`,
      { ...(base as object), [sizes.hugeString]: 1 },
      CUT_KEY,
    )

    const fields = base as Record<string, unknown>
    for (const [index, [key, schema]] of Object.entries(shape).entries()) {
      // A field the valid request leaves out (a settings section) is an object in this contract.
      const expected =
        key in fields
          ? typeClass(fields[key])
          : unwrap(schema) instanceof z.ZodObject
            ? 'object'
            : 'undefined'
      for (const [label, value] of wrongTypedValues()) {
        if (typeClass(value) === expected) continue
        add(`${label} in ${key}`, { ...fields, [key]: value }, key)
      }
      if (index > 0 && !sizes.hugeInEveryField) continue
      for (const [label, value] of hugeValues(sizes))
        add(`${label} in ${key}`, { ...fields, [key]: value }, key)
    }
  }
  // The one record in the requests: many entries of the right type, and one huge key.
  const log = valid.log as object
  if (only === undefined || only === 'log')
    cases.push(
      {
        call: 'log',
        label: `a context of ${sizes.manyKeys} entries`,
        payload: { ...log, context: withManyKeys({}, sizes.manyKeys) },
        path: 'context',
      },
      {
        call: 'log',
        label: `a context key of ${sizes.hugeString.length} characters`,
        payload: { ...log, context: { [sizes.hugeString]: 1 } },
        path: CUT_KEY,
      },
    )
  if (only !== undefined && only !== 'updateSettings') return cases
  for (const leaf of settingsLeaves()) {
    const path = leaf.path.join('.')
    cases.push({
      call: 'updateSettings',
      label: `a value of the wrong type at ${path}`,
      payload: leafPatch(leaf, wrongValueFor(leaf)),
      path,
    })
    if (sizes.hugeInEveryField) {
      cases.push({
        call: 'updateSettings',
        label: `a huge string at ${path}`,
        payload: leafPatch(leaf, sizes.hugeString),
        path,
      })
    }
    // A wrong variant name hides the rest of the variant's fields, the stray key among them.
    if (leaf.kind === 'discriminator') continue
    cases.push({
      call: 'updateSettings',
      label: `an own "__proto__" key beside ${path}`,
      payload: leafPatch(leaf, wrongValueFor(leaf), '__proto__'),
      path: [...leaf.path.slice(0, -1), '__proto__'].join('.'),
    })
  }
  return cases
}

/** One field of the settings schema that holds a value (not a section). */
export interface SettingsLeaf {
  path: string[]
  /** The zod type of the value (`string`, `number`, `enum`, `pipe`…), or `discriminator` for a variant's name. */
  kind: string
  /** Inside a discriminated union (the background): the variant a patch must name to reach this field. */
  variant?: { at: string[]; key: string; value: unknown }
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return unwrap(schema.unwrap() as z.ZodType)
  }
  return schema
}

function leavesOf(schema: z.ZodType, path: string[]): SettingsLeaf[] {
  const inner = unwrap(schema)
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      leavesOf(child, [...path, key]),
    )
  }
  if (inner instanceof z.ZodDiscriminatedUnion) {
    const key = inner._zod.def.discriminator
    const seen = new Set<string>([key])
    const leaves: SettingsLeaf[] = [{ path: [...path, key], kind: 'discriminator' }]
    for (const option of inner.options as z.ZodObject[]) {
      const variant = { at: path, key, value: (option.shape[key] as z.ZodLiteral).value }
      for (const [name, child] of Object.entries(option.shape as Record<string, z.ZodType>)) {
        if (seen.has(name)) continue
        seen.add(name)
        leaves.push(...leavesOf(child, [...path, name]).map((leaf) => ({ ...leaf, variant })))
      }
    }
    return leaves
  }
  return [{ path, kind: inner._zod.def.type }]
}

/** Every value-holding field of the settings, walked from the schema (so a new field is included). */
export function settingsLeaves(): SettingsLeaf[] {
  return leavesOf(SettingsSchema, []).filter((leaf) => leaf.path[0] !== 'version')
}

/** A value of the wrong JSON type for this field. */
export function wrongValueFor(leaf: SettingsLeaf): unknown {
  if (leaf.kind === 'number') return 'not a number'
  if (leaf.kind === 'boolean') return 'yes'
  return 12345
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>
  }
  node[path.at(-1) as string] = value
}

/**
 * A settings patch that sets one field (and the variant it lives in). With `ownKey`, the field's parent also
 * carries that key as an own property, as JSON.parse makes it.
 */
export function leafPatch(leaf: SettingsLeaf, value: unknown, ownKey?: string): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  if (leaf.variant) setPath(patch, [...leaf.variant.at, leaf.variant.key], leaf.variant.value)
  setPath(patch, leaf.path, value)
  if (ownKey === undefined) return patch
  const text = JSON.stringify(patch)
  // Insert the key into the innermost object that holds the field.
  const field = JSON.stringify(leaf.path.at(-1))
  return JSON.parse(
    text.replace(`${field}:`, `${JSON.stringify(ownKey)}:{"polluted":true},${field}:`),
  ) as Record<string, unknown>
}
