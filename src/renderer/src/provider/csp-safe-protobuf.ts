/**
 * A stand-in for `protobufjs` in the renderer bundle (wired by a Vite alias). The streaming-avatar SDK uses
 * protobufjs only to encode `pipecat.Frame` audio messages for its WebSocket voice chat, and protobufjs builds
 * its encoders with `new Function`, which our CSP (no 'unsafe-eval') forbids: voice chat would silently never
 * start. This implements the same small API by walking the JSON descriptor instead of generating code.
 *
 * Supported: proto3 messages with scalar, string, bytes, enum and nested message fields, repeated fields
 * (packed scalars), oneofs. That covers every message the SDK declares.
 */

interface FieldDescriptor {
  type: string
  id: number
  rule?: 'repeated'
}

interface TypeDescriptor {
  fields?: Record<string, FieldDescriptor>
  values?: Record<string, number>
  nested?: Record<string, TypeDescriptor>
}

interface RootDescriptor {
  nested?: Record<string, TypeDescriptor>
}

type MessageValue = Record<string, unknown>

const VARINT_TYPES = new Set(['int32', 'uint32', 'int64', 'uint64', 'bool', 'enum'])
const ZIGZAG_TYPES = new Set(['sint32', 'sint64'])
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float'])
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double'])

class ByteWriter {
  private bytes: number[] = []

  varint(value: number | bigint): void {
    let remaining = BigInt.asUintN(64, BigInt(value))
    while (remaining >= 0x80n) {
      this.bytes.push(Number((remaining & 0x7fn) | 0x80n))
      remaining >>= 7n
    }
    this.bytes.push(Number(remaining))
  }

  tag(id: number, wireType: number): void {
    this.varint((id << 3) | wireType)
  }

  raw(data: ArrayLike<number>): void {
    for (let i = 0; i < data.length; i += 1) this.bytes.push((data[i] ?? 0) & 0xff)
  }

  lengthDelimited(data: ArrayLike<number>): void {
    this.varint(data.length)
    this.raw(data)
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

class ByteReader {
  position = 0
  constructor(private readonly data: Uint8Array) {}

  get done(): boolean {
    return this.position >= this.data.length
  }

  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const byte = this.data[this.position++]
      if (byte === undefined) throw new Error('protobuf: truncated varint')
      result |= BigInt(byte & 0x7f) << shift
      if (byte < 0x80) return result
      shift += 7n
    }
  }

  take(length: number): Uint8Array {
    if (this.position + length > this.data.length) throw new Error('protobuf: truncated field')
    const slice = this.data.subarray(this.position, this.position + length)
    this.position += length
    return slice
  }
}

function toNumber(value: bigint, type: string): number | boolean {
  if (type === 'bool') return value !== 0n
  if (type === 'int32' || type === 'enum') return Number(BigInt.asIntN(32, value))
  if (type === 'int64') return Number(BigInt.asIntN(64, value))
  if (type === 'sint32' || type === 'sint64') return Number((value >> 1n) ^ -(value & 1n))
  return Number(value)
}

class Registry {
  private readonly types = new Map<string, TypeDescriptor>()

  constructor(root: RootDescriptor) {
    this.collect('', root.nested ?? {})
  }

  private collect(prefix: string, nested: Record<string, TypeDescriptor>): void {
    for (const [name, descriptor] of Object.entries(nested)) {
      const fullName = prefix ? `${prefix}.${name}` : name
      this.types.set(fullName, descriptor)
      if (descriptor.nested) this.collect(fullName, descriptor.nested)
    }
  }

  /** Resolves a type name the way protobuf scoping does: innermost enclosing scope first. */
  resolve(name: string, scope: string): { fullName: string; descriptor: TypeDescriptor } | undefined {
    const parts = scope.split('.')
    for (let depth = parts.length; depth >= 0; depth -= 1) {
      const candidate = [...parts.slice(0, depth), name].filter(Boolean).join('.')
      const descriptor = this.types.get(candidate)
      if (descriptor) return { fullName: candidate, descriptor }
    }
    return undefined
  }
}

export class MessageType {
  constructor(
    private readonly registry: Registry,
    readonly fullName: string,
    private readonly descriptor: TypeDescriptor,
  ) {}

  private scope(): string {
    return this.fullName.split('.').slice(0, -1).join('.')
  }

  private fieldType(field: FieldDescriptor): MessageType | 'enum' | string {
    if (VARINT_TYPES.has(field.type) || ZIGZAG_TYPES.has(field.type) || FIXED32_TYPES.has(field.type))
      return field.type
    if (FIXED64_TYPES.has(field.type) || field.type === 'string' || field.type === 'bytes') return field.type
    const resolved =
      this.registry.resolve(field.type, this.fullName) ?? this.registry.resolve(field.type, this.scope())
    if (!resolved) throw new Error(`protobuf: unknown type ${field.type}`)
    if (resolved.descriptor.values) return 'enum'
    return new MessageType(this.registry, resolved.fullName, resolved.descriptor)
  }

  create(properties: MessageValue = {}): MessageValue {
    return { ...properties }
  }

  encode(message: MessageValue): { finish(): Uint8Array } {
    const writer = new ByteWriter()
    this.write(message, writer)
    return writer
  }

  decode(data: Uint8Array): MessageValue {
    return this.read(new ByteReader(data))
  }

  private write(message: MessageValue, writer: ByteWriter): void {
    const fields = Object.entries(this.descriptor.fields ?? {}).sort(([, a], [, b]) => a.id - b.id)
    for (const [name, field] of fields) {
      const value = message[name]
      if (value === undefined || value === null) continue
      const type = this.fieldType(field)
      const values = field.rule === 'repeated' ? (value as unknown[]) : [value]
      if (field.rule === 'repeated' && typeof type === 'string' && type !== 'string' && type !== 'bytes') {
        const packed = new ByteWriter()
        for (const item of values) writeScalar(packed, type, item)
        writer.tag(field.id, 2)
        writer.lengthDelimited(packed.finish())
        continue
      }
      for (const item of values) {
        if (type instanceof MessageType) {
          const nested = new ByteWriter()
          type.write(item as MessageValue, nested)
          writer.tag(field.id, 2)
          writer.lengthDelimited(nested.finish())
        } else if (type === 'string') {
          writer.tag(field.id, 2)
          writer.lengthDelimited(new TextEncoder().encode(String(item)))
        } else if (type === 'bytes') {
          writer.tag(field.id, 2)
          writer.lengthDelimited(item as ArrayLike<number>)
        } else {
          writer.tag(field.id, wireTypeOf(type))
          writeScalar(writer, type, item)
        }
      }
    }
  }

  private read(reader: ByteReader): MessageValue {
    const byId = new Map(
      Object.entries(this.descriptor.fields ?? {}).map(([name, field]) => [field.id, { name, field }]),
    )
    const message: MessageValue = {}
    while (!reader.done) {
      const key = Number(reader.varint())
      const id = key >>> 3
      const wireType = key & 7
      const entry = byId.get(id)
      const payload =
        wireType === 0
          ? reader.varint()
          : wireType === 2
            ? reader.take(Number(reader.varint()))
            : wireType === 5
              ? reader.take(4)
              : wireType === 1
                ? reader.take(8)
                : undefined
      if (payload === undefined) throw new Error(`protobuf: unsupported wire type ${wireType}`)
      if (!entry) continue
      const { name, field } = entry
      const type = this.fieldType(field)
      const decoded = decodeValue(type, payload, wireType)
      if (field.rule === 'repeated') {
        const list = (message[name] as unknown[] | undefined) ?? []
        message[name] = list.concat(decoded)
      } else {
        message[name] = Array.isArray(decoded) ? decoded[0] : decoded
      }
    }
    return message
  }
}

function wireTypeOf(type: string): number {
  if (FIXED32_TYPES.has(type)) return 5
  if (FIXED64_TYPES.has(type)) return 1
  return 0
}

function writeScalar(writer: ByteWriter, type: string, value: unknown): void {
  if (type === 'bool') return writer.varint(value ? 1 : 0)
  if (ZIGZAG_TYPES.has(type)) {
    const n = BigInt(value as number)
    return writer.varint((n << 1n) ^ (n >> 63n))
  }
  if (FIXED32_TYPES.has(type) || FIXED64_TYPES.has(type)) {
    const size = FIXED32_TYPES.has(type) ? 4 : 8
    const view = new DataView(new ArrayBuffer(size))
    if (type === 'float') view.setFloat32(0, Number(value), true)
    else if (type === 'double') view.setFloat64(0, Number(value), true)
    else if (size === 4) view.setUint32(0, Number(value) >>> 0, true)
    else view.setBigUint64(0, BigInt.asUintN(64, BigInt(value as number)), true)
    return writer.raw(new Uint8Array(view.buffer))
  }
  writer.varint(BigInt(Math.trunc(Number(value))))
}

function decodeValue(type: MessageType | string, payload: bigint | Uint8Array, wireType: number): unknown {
  if (type instanceof MessageType) return type.decode(payload as Uint8Array)
  if (type === 'string') return new TextDecoder().decode(payload as Uint8Array)
  if (type === 'bytes') return Uint8Array.from(payload as Uint8Array)
  if (typeof payload === 'bigint') return toNumber(payload, type)
  if (wireType === 2) {
    // Packed repeated scalars.
    const reader = new ByteReader(payload)
    const values: unknown[] = []
    while (!reader.done) values.push(toNumber(reader.varint(), type))
    return values
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  if (type === 'float') return view.getFloat32(0, true)
  if (type === 'double') return view.getFloat64(0, true)
  if (payload.byteLength === 4) return type === 'sfixed32' ? view.getInt32(0, true) : view.getUint32(0, true)
  return Number(type === 'sfixed64' ? view.getBigInt64(0, true) : view.getBigUint64(0, true))
}

export class Root {
  private constructor(private readonly registry: Registry) {}

  static fromJSON(descriptor: RootDescriptor): Root {
    return new Root(new Registry(descriptor))
  }

  lookupType(name: string): MessageType {
    const resolved = this.registry.resolve(name.replace(/^\./, ''), '')
    if (!resolved || resolved.descriptor.values) throw new Error(`protobuf: no message type ${name}`)
    return new MessageType(this.registry, resolved.fullName, resolved.descriptor)
  }
}

const protobuf = { Root }
export default protobuf
