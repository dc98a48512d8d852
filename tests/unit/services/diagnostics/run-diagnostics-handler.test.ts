import { describe, expect, it, vi } from 'vitest'
import { createBridgeHandlers, type BridgeServices } from '../../../../src/main/services/bridge-handlers'
import { BridgeError } from '../../../../src/shared/result'
import type { DiagnosticCheck } from '../../../../src/shared/diagnostics'

const CHECKS: DiagnosticCheck[] = [
  { id: 'versions', label: 'Versions', status: 'pass', detail: 'App 1', fix: '' },
]

function handlersWith(locked: boolean) {
  const run = vi.fn(async () => CHECKS)
  const admin = {
    assertUnlocked: vi.fn(() => {
      if (locked) throw new BridgeError({ code: 'admin-locked', message: 'Enter the admin PIN first.' })
    }),
  }
  // Only what runDiagnostics touches; the rest of the services are not reached.
  const services = { admin, diagnostics: { run } } as unknown as BridgeServices
  return { handlers: createBridgeHandlers(services), run }
}

const context = { clientId: 'test-client' } as Parameters<
  ReturnType<typeof createBridgeHandlers>['runDiagnostics']
>[1]

describe('runDiagnostics handler', () => {
  it('refuses while the admin panel is locked, before any keyed request', async () => {
    const { handlers, run } = handlersWith(true)
    await expect(
      Promise.resolve().then(() => handlers.runDiagnostics(undefined, context)),
    ).rejects.toMatchObject({
      code: 'admin-locked',
    })
    expect(run).not.toHaveBeenCalled()
  })

  it('returns the checks once unlocked', async () => {
    const { handlers, run } = handlersWith(false)
    await expect(handlers.runDiagnostics(undefined, context)).resolves.toEqual({ checks: CHECKS })
    expect(run).toHaveBeenCalledOnce()
  })
})
