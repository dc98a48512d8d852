import OpenAI from 'openai'
import { BridgeError } from '../../../shared/result'

/** Where the LLM key comes from: the main-process secret store, never the renderer. */
export interface LlmKeySource {
  get(name: 'llmApiKey'): Promise<string | undefined>
}

/** What a local OpenAI-compatible server (Ollama, vLLM, a whisper server) gets when no key is stored. */
export const KEYLESS_PLACEHOLDER = 'not-needed'

/** Only a server on this machine may go without a key; anything remote without one is a setup mistake. */
export function isLoopbackUrl(url: string): boolean {
  let hostname: string
  try {
    hostname = new URL(url).hostname.toLowerCase()
  } catch {
    return false
  }
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  )
}

async function readKey(secrets: LlmKeySource): Promise<string | undefined> {
  try {
    return await secrets.get('llmApiKey')
  } catch {
    throw new BridgeError({
      code: 'not-configured',
      message: 'The stored LLM API key can no longer be read; enter it again in the admin panel.',
    })
  }
}

/**
 * A client per call, so a changed URL or key applies to the next question without a restart. Retries are off:
 * the visitor is waiting, and the answer timeouts already bound how long a question may take.
 */
export async function createLlmClient(baseUrl: string, secrets: LlmKeySource): Promise<OpenAI> {
  const stored = await readKey(secrets)
  if (stored === undefined && !isLoopbackUrl(baseUrl)) {
    throw new BridgeError({
      code: 'not-configured',
      message: 'No LLM API key is set. Add one in the admin panel, or use a server on this machine.',
    })
  }
  return new OpenAI({
    apiKey: stored ?? KEYLESS_PLACEHOLDER,
    baseURL: baseUrl,
    maxRetries: 0,
    // The SDK would otherwise read these from the environment and log on its own.
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: 'off',
  })
}
