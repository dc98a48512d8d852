/**
 * A tiny anti-aliased rasteriser: shapes are signed distance functions, composited over an RGB buffer.
 * It only has to draw a cartoon a few times per session, so clarity beats speed here.
 */

export type Rgb = readonly [number, number, number]

/** Signed distance in pixels from (x, y) to the shape's edge: negative inside. */
export type Sdf = (x: number, y: number) => number

export interface Shape {
  sdf: Sdf
  /** Pixel bounds worth visiting; anything outside is assumed fully outside. */
  bounds: Bounds
}

export interface Bounds {
  x0: number
  y0: number
  x1: number
  y1: number
}

export class RgbCanvas {
  readonly data: Uint8ClampedArray

  constructor(
    readonly width: number,
    readonly height: number,
    data?: Uint8ClampedArray,
  ) {
    this.data = data ?? new Uint8ClampedArray(width * height * 3)
  }

  clone(): RgbCanvas {
    return new RgbCanvas(this.width, this.height, new Uint8ClampedArray(this.data))
  }

  fill(color: Rgb): void {
    for (let i = 0; i < this.data.length; i += 3) {
      this.data[i] = color[0]
      this.data[i + 1] = color[1]
      this.data[i + 2] = color[2]
    }
  }

  draw(shape: Shape, color: Rgb, opacity = 1): void {
    const x0 = Math.max(0, Math.floor(shape.bounds.x0) - 1)
    const y0 = Math.max(0, Math.floor(shape.bounds.y0) - 1)
    const x1 = Math.min(this.width, Math.ceil(shape.bounds.x1) + 1)
    const y1 = Math.min(this.height, Math.ceil(shape.bounds.y1) + 1)
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        // Sample at the pixel centre; a one-pixel ramp gives the edge its anti-aliasing.
        const distance = shape.sdf(x + 0.5, y + 0.5)
        if (distance >= 0.5) continue
        const coverage = distance <= -0.5 ? opacity : (0.5 - distance) * opacity
        const i = (y * this.width + x) * 3
        const d = this.data
        d[i] = d[i]! + (color[0] - d[i]!) * coverage
        d[i + 1] = d[i + 1]! + (color[1] - d[i + 1]!) * coverage
        d[i + 2] = d[i + 2]! + (color[2] - d[i + 2]!) * coverage
      }
    }
  }
}

export function ellipse(cx: number, cy: number, rx: number, ry: number): Shape {
  const r = Math.min(rx, ry)
  return {
    // Not an exact distance, but exact at the axes and smooth enough for a one-pixel edge ramp.
    sdf: (x, y) => {
      const nx = (x - cx) / rx
      const ny = (y - cy) / ry
      return (Math.sqrt(nx * nx + ny * ny) - 1) * r
    },
    bounds: { x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry },
  }
}

export function circle(cx: number, cy: number, r: number): Shape {
  return ellipse(cx, cy, r, r)
}

export function capsule(ax: number, ay: number, bx: number, by: number, r: number): Shape {
  const dx = bx - ax
  const dy = by - ay
  const lengthSquared = dx * dx + dy * dy || 1
  return {
    sdf: (x, y) => {
      const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / lengthSquared))
      const ex = x - (ax + t * dx)
      const ey = y - (ay + t * dy)
      return Math.sqrt(ex * ex + ey * ey) - r
    },
    bounds: {
      x0: Math.min(ax, bx) - r,
      y0: Math.min(ay, by) - r,
      x1: Math.max(ax, bx) + r,
      y1: Math.max(ay, by) + r,
    },
  }
}

export function roundedRect(cx: number, cy: number, halfW: number, halfH: number, radius: number): Shape {
  return {
    sdf: (x, y) => {
      const qx = Math.abs(x - cx) - halfW + radius
      const qy = Math.abs(y - cy) - halfH + radius
      const ox = Math.max(qx, 0)
      const oy = Math.max(qy, 0)
      return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - radius
    },
    bounds: { x0: cx - halfW, y0: cy - halfH, x1: cx + halfW, y1: cy + halfH },
  }
}

/** The part of `a` that is also inside `b`. */
export function intersect(a: Shape, b: Shape): Shape {
  return {
    sdf: (x, y) => Math.max(a.sdf(x, y), b.sdf(x, y)),
    bounds: {
      x0: Math.max(a.bounds.x0, b.bounds.x0),
      y0: Math.max(a.bounds.y0, b.bounds.y0),
      x1: Math.min(a.bounds.x1, b.bounds.x1),
      y1: Math.min(a.bounds.y1, b.bounds.y1),
    },
  }
}

/** Everything above the horizontal line y (a soft-edged half plane, clipped to the given x range). */
export function above(y: number, x0: number, x1: number): Shape {
  return { sdf: (_x, py) => py - y, bounds: { x0, y0: -1e6, x1, y1: y } }
}

export function below(y: number, x0: number, x1: number): Shape {
  return { sdf: (_x, py) => y - py, bounds: { x0, y0: y, x1, y1: 1e6 } }
}
