import OpenAI, { type ClientOptions } from 'openai'
import { isLoopbackUrl, isSecureOrLoopbackUrl } from '../../../shared/settings/fields'
import { BridgeError } from '../../../shared/result'

/** Where the LLM key comes from: the main-process secret store, never the renderer. */
export interface LlmKeySource {
  get(name: 'llmApiKey'): Promise<string | undefined>
}

/** What a local OpenAI-compatible server (Ollama, vLLM, a whisper server) gets when no key is stored. */
export const KEYLESS_PLACEHOLDER = 'not-needed'

/**
 * Every request the SDK makes goes through here, whatever options a call passes: a redirect is refused, not
 * followed, because the key travels in a header that a redirect would carry to wherever the server (or
 * something in between) pointed us.
 */
export const noRedirectFetch: NonNullable<ClientOptions['fetch']> = (input, init) =>
  fetch(input, { ...init, redirect: 'error' })

function insecureUrlError(): BridgeError {
  return new BridgeError({
    code: 'not-configured',
    message:
      'The LLM server URL must use https (http only for a server on this computer). Check it in the admin panel.',
  })
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
  // Checked here as well as in the settings schema, since a settings file can be edited by hand; and before
  // the key is read, so nothing is sent in clear text to a server off this computer.
  if (!isSecureOrLoopbackUrl(baseUrl)) throw insecureUrlError()
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
    fetch: noRedirectFetch,
    // The SDK would otherwise read these from the environment and log on its own.
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: 'off',
  })
}
