import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const repoRoot = resolve(import.meta.dirname, '../../..')
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot })
})

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, filePath) })
  if (!result) throw new Error('ESLint returned no result')
  return result.messages
}

async function ruleIds(filePath: string, code: string): Promise<(string | null)[]> {
  return (await lint(filePath, code)).map((message) => message.ruleId)
}

describe('layer boundaries (eslint.config.js)', () => {
  describe('src/renderer', () => {
    it.each([
      ["import { ipcRenderer } from 'electron'", 'ipcRenderer'],
      ["import { readFileSync } from 'node:fs'", 'readFileSync'],
      ["import { readFileSync } from 'fs'", 'readFileSync'],
      ["import { join } from 'path'", 'join'],
      ["import { spawn } from 'node:child_process'", 'spawn'],
      ["import { SettingsService } from '../../main/services/settings'", 'SettingsService'],
      ["import { dispatch } from '../../main/bridge/dispatch'", 'dispatch'],
      ["import { api } from '../../preload/index'", 'api'],
    ])('fails for `%s`', async (importLine, name) => {
      const code = `${importLine}\nexport const used = ${name}\n`
      expect(await ruleIds('src/renderer/src/x.ts', code)).toEqual(['no-restricted-imports'])
    })

    it('fails for a re-export of electron', async () => {
      expect(await ruleIds('src/renderer/src/x.ts', "export { shell } from 'electron'\n")).toEqual([
        'no-restricted-imports',
      ])
    })

    it('passes for the shared contract and browser globals', async () => {
      const code =
        "import { bridgeCalls } from '../../shared/contract'\n" +
        "import { createHttpBridge } from './bridge/http-bridge'\n" +
        'export const names = Object.keys(bridgeCalls)\n' +
        'export const make = createHttpBridge\n' +
        'export const title = document.title + window.location.href\n'
      expect(await lint('src/renderer/src/x.ts', code)).toEqual([])
    })
  })

  describe('src/shared', () => {
    it.each([
      ["import { app } from 'electron'", 'app'],
      ["import { join } from 'node:path'", 'join'],
      ["import { readFileSync } from 'fs'", 'readFileSync'],
      ["import { createDispatcher } from '../main/bridge/dispatch'", 'createDispatcher'],
      ["import { connectBridge } from '../renderer/src/bridge'", 'connectBridge'],
    ])('fails for `%s`', async (importLine, name) => {
      const code = `${importLine}\nexport const used = ${name}\n`
      expect(await ruleIds('src/shared/x.ts', code)).toEqual(['no-restricted-imports'])
    })

    it.each(['document.title', 'window.innerWidth', 'localStorage.length', 'navigator.userAgent'])(
      'fails for the DOM global in `%s`',
      async (expression) => {
        expect(await ruleIds('src/shared/x.ts', `export const used = ${expression}\n`)).toEqual([
          'no-restricted-globals',
        ])
      },
    )

    it('passes for zod and sibling modules', async () => {
      const code =
        "import { z } from 'zod'\n" +
        "import { BridgeError } from './result'\n" +
        'export const schema = z.string()\n' +
        'export const error = BridgeError\n'
      expect(await lint('src/shared/x.ts', code)).toEqual([])
    })
  })

  describe('src/main', () => {
    it.each([
      'src/main/services/x.ts',
      'src/main/web/x.ts',
      'src/main/bridge/x.ts',
      'src/main/app-services.ts',
    ])('fails when %s imports electron', async (filePath) => {
      const code = "import { app } from 'electron'\nexport const ready = app.whenReady()\n"
      expect(await ruleIds(filePath, code)).toEqual(['no-restricted-imports'])
    })

    it('fails when a main service imports the renderer', async () => {
      const code =
        "import { connectBridge } from '../../renderer/src/bridge'\nexport const used = connectBridge\n"
      expect(await ruleIds('src/main/services/x.ts', code)).toEqual(['no-restricted-imports'])
    })

    it('passes for a service using Node built-ins and the shared contract', async () => {
      const code =
        "import { readFile } from 'node:fs/promises'\n" +
        "import { bridgeCalls } from '../../shared/contract'\n" +
        'export const read = readFile\n' +
        'export const calls = bridgeCalls\n'
      expect(await lint('src/main/services/x.ts', code)).toEqual([])
    })

    it.each(['src/main/electron/x.ts', 'src/main/index.ts', 'src/preload/x.ts'])(
      'passes when the Electron shell file %s imports electron',
      async (filePath) => {
        const code = "import { app } from 'electron'\nexport const ready = app.whenReady()\n"
        expect(await lint(filePath, code)).toEqual([])
      },
    )
  })
})
