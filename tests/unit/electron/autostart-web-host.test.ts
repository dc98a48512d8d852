import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { manualAutostart } from '../../../src/main/services/autostart'
import { webHostInstructions } from '../../../src/main/services/autostart-files'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const context = { clientId: 'test' }

/** The web host's services, with the autostart answer the web host's CLI gives them. */
async function webHostServices() {
  const dir = await tempDir()
  const instructions = webHostInstructions(
    { nodePath: '/usr/bin/node', repoDir: '/srv/kiosk', dataDir: dir },
    '/home/k/.config/systemd/user/avatar-kiosk.service',
  )
  const services = await createAppServices({
    ...nodeHostAdapters(dir, () => {}),
    autostart: manualAutostart(instructions),
  })
  return { services, instructions }
}

describe('autostart on the web host', () => {
  it('answers no mechanism, with a systemd unit for the operator to install', async () => {
    const { services, instructions } = await webHostServices()
    const answer = await services.dispatch('getAutostart', undefined, context)
    expect(answer).toEqual({ ok: true, value: { mechanism: 'none', enabled: false, instructions } })
    expect(instructions).toContain('Restart=always')
    expect(instructions).toContain('scripts/start.ts --web')
    await services.close()
  })

  it('refuses to turn autostart on with not-supported and the same instructions', async () => {
    const { services, instructions } = await webHostServices()
    const answer = await services.dispatch('setAutostart', { enabled: true }, context)
    expect(answer).toMatchObject({ ok: false, error: { code: 'not-supported' } })
    expect(answer.ok ? '' : answer.error.message).toContain(instructions)
    await services.close()
  })

  it('needs the admin panel unlocked to change it', async () => {
    const { services } = await webHostServices()
    expect(await services.dispatch('setAdminPin', { pin: '4711' }, context)).toMatchObject({ ok: true })
    await services.dispatch('lockAdmin', undefined, context)
    const answer = await services.dispatch('setAutostart', { enabled: true }, context)
    expect(answer).toMatchObject({ ok: false, error: { code: 'admin-locked' } })
    await services.close()
  })

  it('says so when a host gives no autostart at all', async () => {
    const dir = await tempDir()
    const services = await createAppServices(nodeHostAdapters(dir, () => {}))
    const answer = await services.dispatch('getAutostart', undefined, context)
    expect(answer).toMatchObject({ ok: true, value: { mechanism: 'none', enabled: false } })
    await services.close()
  })
})
