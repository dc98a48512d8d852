import type { AutostartState } from '../../shared/diagnostics'
import { BridgeError } from '../../shared/result'

/** Starting the kiosk with the computer: provided by the host (Electron can; the web host cannot). */
export interface AutostartControl {
  state(): Promise<AutostartState>
  /** Adds or removes the start-up entry and answers the state that results. */
  setEnabled(enabled: boolean): Promise<AutostartState>
}

/** For a host that cannot start itself: the state says so, with what the operator can do instead. */
export function manualAutostart(instructions: string): AutostartControl {
  const state: AutostartState = { mechanism: 'none', enabled: false, instructions }
  return {
    state: async () => state,
    setEnabled: async () => {
      throw new BridgeError({
        code: 'not-supported',
        message: `This kiosk cannot add itself to the computer's start-up. ${instructions}`,
      })
    },
  }
}

export const NO_AUTOSTART_INSTRUCTIONS =
  "This host cannot start itself with the computer: add it to the operating system's start-up by hand."
