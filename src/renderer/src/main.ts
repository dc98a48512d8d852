import type { SettingsView } from '../../shared/contract'
import { BridgeError } from '../../shared/result'
import { call, connectBridge } from './bridge'
import { AdminPanel } from './admin/admin-panel'
import { installAdminGesture } from './admin/admin-gesture'
import { StageView } from './stage/stage-view'

const stage = new StageView()
stage.setSessionState('idle')

function render(view: SettingsView): void {
  if (view.provider.kind === 'not-configured') {
    stage.showStatus(
      'not-configured',
      'Not configured yet',
      'An operator needs to add the avatar service key in the admin settings.',
    )
  } else {
    stage.showStatus('ready', 'Ready', '')
  }
  stage.setBadge(
    'sandbox',
    view.provider.kind === 'sandbox' ? 'Sandbox avatar: add your HeyGen key in settings' : undefined,
  )
}

const bridge = connectBridge()
const admin = new AdminPanel(bridge)
installAdminGesture(() => void admin.open())
bridge.onSettingsChanged((view) => {
  render(view)
  admin.update(view)
})

async function boot(): Promise<void> {
  try {
    render(await call(bridge, 'getSettings'))
  } catch (error) {
    const message = error instanceof BridgeError ? error.message : 'The kiosk could not start.'
    stage.showStatus('error', 'Please wait', message)
    setTimeout(() => void boot(), 3000)
  }
}

void boot()
