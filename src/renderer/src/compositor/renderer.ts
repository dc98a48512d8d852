import type { ChromaRenderer } from '../../../shared/settings/chroma'

/**
 * Renderers that run WebGL on the CPU: Chromium's SwiftShader (a blocklisted GPU, a VM, headless), Mesa's
 * llvmpipe and softpipe, and Windows' WARP ("Microsoft Basic Render Driver", a remote desktop). On these the
 * shader is emulated per pixel and keying costs several times the CPU keyer.
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|basic render driver/i

export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERER.test(renderer)
}

export interface Backend {
  kind: 'gpu' | 'cpu'
  /** The WebGL renderer's name where it was looked up ('' otherwise). */
  renderer: string
  /** Why this path, for the log. */
  reason: string
}

/** The WebGL renderer's name from a throwaway context, released at once ('' without WebGL2). */
function probeRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2')
  if (gl === null) return ''
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  const name = String(gl.getParameter(info?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) ?? '')
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return name
}

/**
 * auto keys on the GPU unless WebGL is software. Without WebGL2 at all, auto stays on the GPU path, which
 * then shows the plain video as it always has; `cpu` keys there too.
 */
export function chooseBackend(setting: ChromaRenderer): Backend {
  if (setting === 'gpu') return { kind: 'gpu', renderer: '', reason: 'keying on the GPU' }
  // Probed even when forced, for the log: "cpu" on a real GPU is worth knowing about.
  const renderer = probeRenderer()
  if (setting === 'cpu') return { kind: 'cpu', renderer, reason: 'keying on the CPU (set in the settings)' }
  if (isSoftwareRenderer(renderer)) {
    return { kind: 'cpu', renderer, reason: `keying on the CPU: WebGL is software (${renderer})` }
  }
  return { kind: 'gpu', renderer, reason: 'keying on the GPU' }
}
