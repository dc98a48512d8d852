import { chromaBlue, chromaRed, type Rgb } from './color'
import type { PlacementLayout, Size } from './placement'
import { fragmentShader, VERTEX_SHADER } from './shaders'

export interface KeySettings {
  similarity: number
  smoothness: number
  spill: number
  erosion: number
}

/** The GPU side of the compositor: one texture, one quad, no state the caller has to know about. */
export interface Keyer {
  readonly frameWidth: number
  readonly frameHeight: number
  /** Copies a frame into the texture; the texture is reallocated only when the frame size changes. */
  upload(source: TexImageSource, width: number, height: number): void
  setKey(color: Rgb, settings: KeySettings): void
  /** Where the frame goes, in pixels of a drawing buffer of size `target`. */
  setLayout(layout: PlacementLayout, target: Size): void
  /** Clears the drawing buffer to transparent and draws the keyed frame (if any) into it. */
  draw(): void
  /**
   * Reads two rows and two columns just inside the current frame's border into `out` (RGBA), for the
   * automatic key colour. Returns the number of pixels read; `out` must hold 2 * (width + height) pixels.
   */
  readBorder(out: Uint8Array, inset: number): number
  /** Reads the drawing buffer (RGBA, premultiplied, rows bottom-up), as gl.readPixels does. */
  readPixels(x: number, y: number, width: number, height: number, out: Uint8Array): boolean
  dispose(): void
}

export class KeyerError extends Error {
  override name = 'KeyerError'
}

// A grey key colour has no chroma to measure distances against; treat it as slightly saturated instead of
// dividing by zero (the automatic pick never returns one, a manual setting might).
const MIN_KEY_SATURATION = 0.05
const MIN_SMOOTHNESS = 0.001

type UniformName =
  | 'u_destRect'
  | 'u_sourceRect'
  | 'u_frame'
  | 'u_texel'
  | 'u_keyChroma'
  | 'u_keyInverseSaturation'
  | 'u_keyChannel'
  | 'u_similarity'
  | 'u_inverseSmoothness'
  | 'u_spill'
  | 'u_erosionStep'

interface KeyProgram {
  program: WebGLProgram
  uniforms: Record<UniformName, WebGLUniformLocation | null>
}

const UNIFORM_NAMES: readonly UniformName[] = [
  'u_destRect',
  'u_sourceRect',
  'u_frame',
  'u_texel',
  'u_keyChroma',
  'u_keyInverseSaturation',
  'u_keyChannel',
  'u_similarity',
  'u_inverseSmoothness',
  'u_spill',
  'u_erosionStep',
]

/** Throws KeyerError if the context is lost or the shaders do not build. */
export function createKeyer(gl: WebGL2RenderingContext): Keyer {
  if (gl.isContextLost()) throw new KeyerError('the WebGL context is lost')
  const shaders: WebGLShader[] = []
  const compile = (type: GLenum, source: string): WebGLShader => {
    const shader = gl.createShader(type)
    if (shader === null) throw new KeyerError('could not create a shader')
    shaders.push(shader)
    gl.shaderSource(shader, source)
    gl.compileShader(shader)
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
      throw new KeyerError(`shader does not compile: ${gl.getShaderInfoLog(shader) ?? ''}`)
    }
    return shader
  }
  const vertexShader = compile(gl.VERTEX_SHADER, VERTEX_SHADER)
  const link = (erode: boolean): KeyProgram => {
    const program = gl.createProgram()
    gl.attachShader(program, vertexShader)
    gl.attachShader(program, compile(gl.FRAGMENT_SHADER, fragmentShader(erode)))
    gl.linkProgram(program)
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
      throw new KeyerError(`shader program does not link: ${gl.getProgramInfoLog(program) ?? ''}`)
    }
    const uniforms = {} as Record<UniformName, WebGLUniformLocation | null>
    for (const name of UNIFORM_NAMES) uniforms[name] = gl.getUniformLocation(program, name)
    return { program, uniforms }
  }
  const programs = [link(false), link(true)] as const

  const texture = gl.createTexture()
  gl.bindTexture(gl.TEXTURE_2D, texture)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE)
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false)
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false)
  let borderFramebuffer: WebGLFramebuffer | null = null

  // Everything draw() needs, kept as plain numbers so that a frame allocates nothing.
  let frameWidth = 0
  let frameHeight = 0
  let targetWidth = 0
  let targetHeight = 0
  let visible = false
  const dest = { left: -1, bottom: -1, right: 1, top: 1 }
  const source = { left: 0, bottom: 1, right: 1, top: 0 }
  const key = { cb: 0, cr: 0, inverseSaturation: 1, r: 0, g: 1, b: 0 }
  const settings: KeySettings = { similarity: 0, smoothness: 1, spill: 0, erosion: 0 }

  return {
    get frameWidth() {
      return frameWidth
    },
    get frameHeight() {
      return frameHeight
    },

    upload(frame, width, height) {
      gl.bindTexture(gl.TEXTURE_2D, texture)
      if (width !== frameWidth || height !== frameHeight) {
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, frame)
        // A video that reports its size before its first frame is decodable allocates nothing; remember the
        // size only once the texture really exists, or every later texSubImage2D fails until the size changes.
        if (gl.getError() !== gl.NO_ERROR) return
        frameWidth = width
        frameHeight = height
      } else {
        gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, gl.RGBA, gl.UNSIGNED_BYTE, frame)
      }
    },

    setKey(color, next) {
      key.cb = chromaBlue(color.r, color.g, color.b)
      key.cr = chromaRed(color.r, color.g, color.b)
      key.inverseSaturation = 1 / Math.max(Math.hypot(key.cb, key.cr), MIN_KEY_SATURATION)
      const strongest = Math.max(color.r, color.g, color.b)
      // The despill limits one channel; ties go to green, the usual screen.
      key.g = color.g === strongest ? 1 : 0
      key.b = key.g === 0 && color.b === strongest ? 1 : 0
      key.r = key.g === 0 && key.b === 0 ? 1 : 0
      settings.similarity = next.similarity
      settings.smoothness = next.smoothness
      settings.spill = next.spill
      settings.erosion = next.erosion
    },

    setLayout(layout, target) {
      targetWidth = target.width
      targetHeight = target.height
      const { x, y, width, height } = layout.dest
      visible = width > 0 && height > 0 && targetWidth > 0 && targetHeight > 0
      if (!visible) return
      dest.left = (x / targetWidth) * 2 - 1
      dest.right = ((x + width) / targetWidth) * 2 - 1
      dest.top = 1 - (y / targetHeight) * 2
      dest.bottom = 1 - ((y + height) / targetHeight) * 2
      source.left = layout.source.left
      source.right = layout.source.right
      source.top = layout.source.top
      source.bottom = layout.source.bottom
    },

    draw() {
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
      gl.viewport(0, 0, targetWidth, targetHeight)
      gl.clearColor(0, 0, 0, 0)
      gl.clear(gl.COLOR_BUFFER_BIT)
      if (!visible || frameWidth === 0) return
      const { program, uniforms } = programs[settings.erosion > 0 ? 1 : 0]
      gl.useProgram(program)
      gl.activeTexture(gl.TEXTURE0)
      gl.bindTexture(gl.TEXTURE_2D, texture)
      gl.uniform1i(uniforms.u_frame, 0)
      gl.uniform4f(uniforms.u_destRect, dest.left, dest.bottom, dest.right, dest.top)
      gl.uniform4f(uniforms.u_sourceRect, source.left, source.bottom, source.right, source.top)
      gl.uniform2f(uniforms.u_texel, 1 / frameWidth, 1 / frameHeight)
      gl.uniform2f(uniforms.u_keyChroma, key.cb, key.cr)
      gl.uniform1f(uniforms.u_keyInverseSaturation, key.inverseSaturation)
      gl.uniform3f(uniforms.u_keyChannel, key.r, key.g, key.b)
      gl.uniform1f(uniforms.u_similarity, settings.similarity)
      gl.uniform1f(uniforms.u_inverseSmoothness, 1 / Math.max(settings.smoothness, MIN_SMOOTHNESS))
      gl.uniform1f(uniforms.u_spill, settings.spill)
      gl.uniform2f(uniforms.u_erosionStep, settings.erosion / frameWidth, settings.erosion / frameHeight)
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4)
    },

    readBorder(out, inset) {
      const width = frameWidth
      const height = frameHeight
      if (width <= 2 * inset || height <= 2 * inset || out.length < 2 * (width + height) * 4) return 0
      if (borderFramebuffer === null) {
        borderFramebuffer = gl.createFramebuffer()
        gl.bindFramebuffer(gl.FRAMEBUFFER, borderFramebuffer)
        gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0)
      } else {
        gl.bindFramebuffer(gl.FRAMEBUFFER, borderFramebuffer)
      }
      let read = 0
      if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE) {
        gl.readPixels(0, inset, width, 1, gl.RGBA, gl.UNSIGNED_BYTE, out, 0)
        gl.readPixels(0, height - 1 - inset, width, 1, gl.RGBA, gl.UNSIGNED_BYTE, out, width * 4)
        gl.readPixels(inset, 0, 1, height, gl.RGBA, gl.UNSIGNED_BYTE, out, 2 * width * 4)
        gl.readPixels(
          width - 1 - inset,
          0,
          1,
          height,
          gl.RGBA,
          gl.UNSIGNED_BYTE,
          out,
          (2 * width + height) * 4,
        )
        read = 2 * (width + height)
      }
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
      return read
    },

    readPixels(x, y, width, height, out) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
      gl.readPixels(x, y, width, height, gl.RGBA, gl.UNSIGNED_BYTE, out)
      return !gl.isContextLost()
    },

    dispose() {
      for (const { program } of programs) gl.deleteProgram(program)
      for (const shader of shaders) gl.deleteShader(shader)
      gl.deleteTexture(texture)
      gl.deleteFramebuffer(borderFramebuffer)
    },
  }
}
