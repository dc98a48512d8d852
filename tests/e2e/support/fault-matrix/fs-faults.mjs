// Loaded into the web host with `node --import` by the fault matrix only: while the marker file named by
// FAULT_MATRIX_FS_MARKER exists, every write to a file whose name starts with FAULT_MATRIX_FS_TARGET fails with
// the errno written in the marker (ENOSPC, EACCES). We run as root, so chmod cannot make a write fail.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { basename } from 'node:path'

const marker = process.env.FAULT_MATRIX_FS_MARKER
const target = process.env.FAULT_MATRIX_FS_TARGET

const ERRNO = { ENOSPC: -28, EACCES: -13 }

function injectedError(path, syscall) {
  if (!marker || !target || typeof path !== 'string' || !basename(path).startsWith(target)) return undefined
  let code
  try {
    code = fs.readFileSync(marker, 'utf8').trim()
  } catch {
    return undefined
  }
  if (!(code in ERRNO)) return undefined
  const error = new Error(`${code}: injected by the fault matrix, ${syscall} '${path}'`)
  return Object.assign(error, { code, errno: ERRNO[code], syscall, path })
}

/** `open` with no flags, or a read-only one, is a read: only writes fail. */
function writes(name, flags) {
  if (!name.startsWith('open')) return true
  return flags !== undefined && flags !== 'r' && flags !== 'rs' && flags !== fs.constants.O_RDONLY
}

function guardSync(name) {
  const original = fs[name]
  fs[name] = function (path, ...rest) {
    const error = writes(name, rest[0]) && injectedError(path, name.replace(/Sync$/, ''))
    if (error) throw error
    return original.call(this, path, ...rest)
  }
}

function guardPromise(name) {
  const original = fs.promises[name]
  fs.promises[name] = function (path, ...rest) {
    const error = writes(name, rest[0]) && injectedError(path, name)
    if (error) return Promise.reject(error)
    return original.call(this, path, ...rest)
  }
}

if (marker && target) {
  for (const name of ['writeFileSync', 'openSync', 'appendFileSync']) guardSync(name)
  for (const name of ['writeFile', 'open', 'appendFile']) guardPromise(name)
  syncBuiltinESMExports()
}
