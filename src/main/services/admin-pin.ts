import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const KEY_LENGTH = 32
const COST: ScryptOptions = { N: 16384, r: 8, p: 1 }

function scrypt(pin: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(pin, salt, KEY_LENGTH, COST, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

/** `scrypt$<salt b64>$<hash b64>`: a slow hash, so a copied secrets file does not give the PIN away. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scrypt(pin, salt)
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$')
  if (scheme !== 'scrypt' || !saltText || !hashText) return false
  const expected = Buffer.from(hashText, 'base64')
  const actual = await scrypt(pin, Buffer.from(saltText, 'base64'))
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
