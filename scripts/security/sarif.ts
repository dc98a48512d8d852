import { z } from 'zod'

/**
 * The SARIF 2.1.0 subset the security scan writes and its verdict reads. Electronegativity's own SARIF writer
 * drops each finding's severity and every file it failed to parse, so the scan writes this file itself: the
 * severity travels in `properties`, and parse failures are error notifications of a failed invocation.
 */

/** Where `npm run security` keeps the scan, inside the git-ignored .tmp folder. */
export const DEFAULT_SARIF_PATH = '.tmp/security/electronegativity.sarif'

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const
export type Severity = (typeof SEVERITIES)[number]

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity)
}

const ArtifactLocationSchema = z.object({ uri: z.string().min(1) })

const ResultSchema = z.object({
  ruleId: z.string().min(1),
  level: z.enum(['error', 'warning', 'note']),
  message: z.object({ text: z.string() }),
  locations: z
    .array(
      z.object({
        physicalLocation: z.object({
          artifactLocation: ArtifactLocationSchema,
          region: z.object({ startLine: z.number().int().min(1), startColumn: z.number().int().min(1) }),
        }),
      }),
    )
    .length(1),
  properties: z.object({
    severity: z.enum(SEVERITIES),
    confidence: z.enum(['TENTATIVE', 'FIRM', 'CERTAIN']),
    manualReview: z.boolean(),
  }),
})
export type SarifResult = z.infer<typeof ResultSchema>

const NotificationSchema = z.object({
  level: z.enum(['error', 'warning', 'note']),
  message: z.object({ text: z.string() }),
  locations: z
    .array(z.object({ physicalLocation: z.object({ artifactLocation: ArtifactLocationSchema }) }))
    .optional(),
})
export type SarifNotification = z.infer<typeof NotificationSchema>

const InvocationSchema = z.object({
  executionSuccessful: z.boolean(),
  workingDirectory: z.object({ uri: z.string().startsWith('file:') }),
  toolExecutionNotifications: z.array(NotificationSchema),
  properties: z.object({ filesScanned: z.number().int().min(0) }),
})

export const ScanSarifSchema = z.object({
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        tool: z.object({ driver: z.object({ name: z.literal('Electronegativity'), version: z.string() }) }),
        invocations: z.array(InvocationSchema).length(1),
        results: z.array(ResultSchema),
      }),
    )
    .length(1),
})
export type ScanSarif = z.infer<typeof ScanSarifSchema>

export function sarifLevel(severity: Severity): SarifResult['level'] {
  if (severity === 'HIGH') return 'error'
  return severity === 'MEDIUM' ? 'warning' : 'note'
}
