import type { AvatarPlacement, PlacementBox } from '../../../shared/settings/chroma'

export interface Size {
  width: number
  height: number
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** The part of the source frame that is shown, as fractions of its width and height (y grows downwards). */
export interface SourceRegion {
  left: number
  top: number
  right: number
  bottom: number
}

export interface PlacementLayout {
  /** Where the cropped frame lands, in the view's units; it may reach past the view (cover, or scale > 1). */
  dest: Rect
  source: SourceRegion
}

export type Orientation = 'landscape' | 'portrait'

export function orientationOf(view: Size): Orientation {
  return view.width >= view.height ? 'landscape' : 'portrait'
}

/**
 * Fits the cropped frame into the view for the view's orientation: contain or cover, then scaled, then
 * aligned in the remaining space like CSS object-position (negative space, when the frame overflows, moves
 * it the other way so the aligned edge stays in view).
 */
export function computePlacement(frame: Size, view: Size, placement: AvatarPlacement): PlacementLayout {
  const box: PlacementBox = placement[orientationOf(view)]
  const source: SourceRegion = {
    left: box.crop.left,
    top: box.crop.top,
    right: 1 - box.crop.right,
    bottom: 1 - box.crop.bottom,
  }
  const sourceWidth = frame.width * (source.right - source.left)
  const sourceHeight = frame.height * (source.bottom - source.top)
  if (sourceWidth <= 0 || sourceHeight <= 0 || view.width <= 0 || view.height <= 0) {
    return { dest: { x: 0, y: 0, width: 0, height: 0 }, source }
  }
  const fitWidth = view.width / sourceWidth
  const fitHeight = view.height / sourceHeight
  const scale =
    (box.fit === 'contain' ? Math.min(fitWidth, fitHeight) : Math.max(fitWidth, fitHeight)) * box.scale
  const width = sourceWidth * scale
  const height = sourceHeight * scale
  return {
    dest: { x: (view.width - width) * box.x, y: (view.height - height) * box.y, width, height },
    source,
  }
}
