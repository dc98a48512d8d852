import { CB_WEIGHTS, CR_WEIGHTS } from './color'

const vec3 = (weights: readonly [number, number, number]): string => `vec3(${weights.join(', ')})`

/**
 * One quad, no vertex buffers: the four corners come from gl_VertexID, and the rectangles from uniforms, so
 * moving or cropping the avatar is a uniform change.
 */
export const VERTEX_SHADER = `#version 300 es
uniform vec4 u_destRect;   // clip space: left, bottom, right, top
uniform vec4 u_sourceRect; // texture space at the same corners (texture rows run top-down)
out vec2 v_uv;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  gl_Position = vec4(mix(u_destRect.xy, u_destRect.zw, corner), 0.0, 1.0);
  v_uv = mix(u_sourceRect.xy, u_sourceRect.zw, corner);
}
`

/**
 * The keyer, after OBS Studio's chroma key v2: a matte from the distance to the key colour in BT.709 CbCr,
 * box-filtered against compression noise, with a soft ramp; then spill suppression limits the key colour's
 * channel to the larger of the other two (the classic despill, which leaves skin, greys and yellows alone).
 * Distances are divided by the key's own saturation, so settings mean the same for a bright or a dull green.
 * Output is premultiplied, for a canvas composited by the browser over the background layer.
 */
export function fragmentShader(erode: boolean): string {
  return `#version 300 es
${erode ? '#define ERODE' : ''}
precision highp float;
uniform sampler2D u_frame;
uniform vec2 u_texel;
uniform vec2 u_keyChroma;
uniform float u_keyInverseSaturation;
uniform vec3 u_keyChannel;
uniform float u_similarity;
uniform float u_inverseSmoothness;
uniform float u_spill;
#ifdef ERODE
uniform vec2 u_erosionStep;
const vec2 RING[8] = vec2[8](vec2(1.0, 0.0), vec2(-1.0, 0.0), vec2(0.0, 1.0), vec2(0.0, -1.0),
  vec2(0.7071, 0.7071), vec2(-0.7071, 0.7071), vec2(0.7071, -0.7071), vec2(-0.7071, -0.7071));
#endif
in vec2 v_uv;
out vec4 outColor;

const vec3 CB = ${vec3(CB_WEIGHTS)};
const vec3 CR = ${vec3(CR_WEIGHTS)};

float keyDistance(vec3 rgb) {
  return distance(vec2(dot(rgb, CB), dot(rgb, CR)), u_keyChroma) * u_keyInverseSaturation;
}

float matte(float keyDistance) {
  float ramp = clamp((keyDistance - u_similarity) * u_inverseSmoothness, 0.0, 1.0);
  return ramp * sqrt(ramp);
}

void main() {
  vec3 rgb = texture(u_frame, v_uv).rgb;
  // Four bilinear taps between texels approximate a 3x3 box around the centre.
  vec2 a = vec2(u_texel.x, 0.5 * u_texel.y);
  vec2 b = vec2(0.5 * u_texel.x, -u_texel.y);
  float neighbours = keyDistance(texture(u_frame, v_uv - a).rgb) + keyDistance(texture(u_frame, v_uv + a).rgb)
    + keyDistance(texture(u_frame, v_uv - b).rgb) + keyDistance(texture(u_frame, v_uv + b).rgb);
  float alpha = matte((keyDistance(rgb) + 2.0 * neighbours) * (1.0 / 9.0));
#ifdef ERODE
  for (int i = 0; i < 8; i++) {
    alpha = min(alpha, matte(keyDistance(texture(u_frame, v_uv + RING[i] * u_erosionStep).rgb)));
  }
#endif
  vec3 others = rgb - rgb * u_keyChannel;
  float excess = dot(rgb, u_keyChannel) - max(max(others.r, others.g), others.b);
  rgb -= u_keyChannel * (max(excess, 0.0) * u_spill);
  outColor = vec4(rgb * alpha, alpha);
}
`
}
