/**
 * Thrown by a handler when infrastructure failed (git backend unavailable, Redis hiccup): the job is
 * retried with backoff while attempts remain. Any other error fails the job at once.
 */
export class InfrastructureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfrastructureError';
  }
}
