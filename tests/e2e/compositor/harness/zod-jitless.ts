import { z } from 'zod'

// Zod probes `new Function` on first parse; under the renderer's CSP that probe is blocked and reported as a
// violation (harmless, but it would hide real ones). Jitless mode skips the probe.
z.config({ jitless: true })
