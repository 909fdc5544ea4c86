/**
 * Thrown by a handler when infrastructure failed (git backend unavailable, Redis hiccup): the job is
 * retried with backoff while attempts remain. Which errors count as infrastructure failures is decided
 * by `isInfrastructureFailure` in `retry-policy.ts`.
 */
export class InfrastructureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfrastructureError';
  }
}
