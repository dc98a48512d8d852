import { describe, expect, it } from 'vitest'
import { CliUsageError, parseCliArgs } from '../../../src/sandbox/cli-args'

describe('sandbox CLI arguments', () => {
  it('defaults to nothing set, info logging', () => {
    expect(parseCliArgs([])).toEqual({ options: {}, logLevel: 'info', help: false })
  })

  it('reads every documented flag, in both --flag value and --flag=value forms', () => {
    const args = parseCliArgs([
      '--port',
      '0',
      '--api-key=secret',
      '--max-concurrent',
      '5',
      '--session-limit=90',
      '--codec',
      'h264',
      '--host',
      '0.0.0.0',
      '--log-level',
      'debug',
      '--idle-timeout=45',
      '--sandbox-session',
      '10',
      '--allowed-origin',
      'app://kiosk',
      '--allowed-origin=https://kiosk.example:8443',
      '--no-control-api',
    ])
    expect(args.options).toEqual({
      port: 0,
      apiKey: 'secret',
      maxConcurrent: 5,
      sessionLimitSeconds: 90,
      idleTimeoutSeconds: 45,
      sandboxSessionSeconds: 10,
      allowedOrigins: ['app://kiosk', 'https://kiosk.example:8443'],
      codec: 'h264',
      host: '0.0.0.0',
      controlApi: false,
    })
    expect(args.logLevel).toBe('debug')
  })

  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--max-concurrent', '0']],
    [['--session-limit', '1.5']],
    [['--idle-timeout', '0']],
    [['--sandbox-session', 'soon']],
    [['--allowed-origin', '*']],
    [['--allowed-origin', 'https://kiosk.example/path']],
    [['--codec', 'vp9']],
    [['--log-level', 'loud']],
    [['--unknown']],
    [['positional']],
  ])('rejects %j with a usage error', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError)
  })

  it('reports --help', () => {
    expect(parseCliArgs(['--help']).help).toBe(true)
  })
})
