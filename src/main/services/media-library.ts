import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { BackgroundImageFileSchema, BackgroundVideoFileSchema } from '../../shared/settings/chroma'

export interface BackgroundFile {
  name: string
  kind: 'image' | 'video'
  /** `data`: the operator's own folder; `sample`: shipped with the app. */
  source: 'data' | 'sample'
}

function kindOf(name: string): BackgroundFile['kind'] | undefined {
  if (BackgroundImageFileSchema.safeParse(name).success) return 'image'
  if (BackgroundVideoFileSchema.safeParse(name).success) return 'video'
  return undefined
}

/**
 * Background files: the operator's own in the data folder's `backgrounds/`, then the samples shipped in
 * `resources/backgrounds/`. Names are plain file names (validated), so nothing outside those folders is served.
 */
export class MediaLibrary {
  constructor(
    private readonly dataDir: string,
    private readonly sampleDir: string,
  ) {}

  get operatorFolder(): string {
    return this.dataDir
  }

  async resolveBackground(name: string): Promise<string | undefined> {
    if (kindOf(name) === undefined) return undefined
    for (const dir of [this.dataDir, this.sampleDir]) {
      const path = join(dir, name)
      try {
        if ((await stat(path)).isFile()) return path
      } catch {
        // not in this folder
      }
    }
    return undefined
  }

  async listBackgrounds(): Promise<BackgroundFile[]> {
    const seen = new Set<string>()
    const files: BackgroundFile[] = []
    for (const [dir, source] of [
      [this.dataDir, 'data'],
      [this.sampleDir, 'sample'],
    ] as const) {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch {
        continue
      }
      for (const name of names.sort()) {
        const kind = kindOf(name)
        if (kind === undefined || seen.has(name)) continue
        seen.add(name)
        files.push({ name, kind, source })
      }
    }
    return files
  }
}
