import { z } from 'zod';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatCompletionsOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

export type ModelFailureReason = 'timeout' | 'network_error' | 'http_error' | 'invalid_response';

/** Why a model call gave no usable answer; carries no prompt, response body or credential. */
export class ModelCallError extends Error {
  constructor(
    readonly reason: ModelFailureReason,
    readonly status?: number,
  ) {
    super(`model call failed: ${reason}${status !== undefined ? ` (HTTP ${status})` : ''}`);
    this.name = 'ModelCallError';
  }
}

const completionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().trim().min(1).max(100_000) }) }))
    .min(1),
});

/** One `POST {baseUrl}/chat/completions` call (OpenAI-compatible); resolves to the first choice's text. */
export async function chatCompletion(
  options: ChatCompletionsOptions,
  messages: ChatMessage[],
): Promise<string> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  let text: string;
  try {
    // The timeout signal also bounds reading the body.
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: options.model, messages, temperature: 0 }),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    throw new ModelCallError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network_error');
  }
  if (!response.ok) throw new ModelCallError('http_error', response.status);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ModelCallError('invalid_response', response.status);
  }
  const parsed = completionSchema.safeParse(body);
  if (!parsed.success) throw new ModelCallError('invalid_response', response.status);
  return parsed.data.choices[0]?.message.content ?? '';
}
