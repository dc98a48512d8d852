export interface WebglInfo {
  /** The unmasked renderer name when the browser gives it, else the masked one. */
  renderer: string
  /** Drawn on the CPU: SwiftShader, llvmpipe or another software rasteriser. */
  software: boolean
}

export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer)
}

/** What draws the avatar's WebGL: read from a throwaway context, released at once. Undefined without WebGL. */
export function readWebglInfo(): WebglInfo | undefined {
  const canvas = document.createElement('canvas')
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl')
  if (!gl) return undefined
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info')
  const renderer = String(gl.getParameter(debugInfo?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) ?? '')
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return { renderer, software: isSoftwareRenderer(renderer) }
}
