import { describe, expect, it } from 'vitest'
import { HEARD_LEVEL, rmsLevel } from '../../../../src/renderer/src/admin/mic-meter'
import { isSoftwareRenderer } from '../../../../src/renderer/src/admin/webgl-info'

// The page side of "Check this kiosk" (src/renderer/src/admin): the parts that decide a line's status.
describe('isSoftwareRenderer', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true],
    ['Mesa softpipe', true],
    ['ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)', false],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['Apple M2', false],
  ])('%s → %s', (renderer, software) => {
    expect(isSoftwareRenderer(renderer)).toBe(software)
  })
})

describe('rmsLevel', () => {
  it('is 0 for silence and for an empty frame', () => {
    expect(rmsLevel(new Float32Array(1024))).toBe(0)
    expect(rmsLevel(new Float32Array(0))).toBe(0)
  })

  it('is amplitude/√2 for a sine, so quiet speech counts as heard and a hiss floor does not', () => {
    const sine = (amplitude: number) =>
      Float32Array.from({ length: 4800 }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000))
    expect(rmsLevel(sine(0.5))).toBeCloseTo(0.5 / Math.SQRT2, 3)
    expect(rmsLevel(sine(0.05))).toBeGreaterThan(HEARD_LEVEL)
    expect(rmsLevel(sine(0.005))).toBeLessThan(HEARD_LEVEL)
  })
})
