import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    testTimeout: 20_000,
    // Vitest leaves one core to its main process, which on our 2-core machines means one worker; the main process
    // has little to do during a run, so it gets no core of its own there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
