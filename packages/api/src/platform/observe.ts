import type { RequestHandler } from 'express';
import { currentRequestContext, runWithRequestContext, type Logger } from '@conman/core';
import type { MetricsRegistry } from './metrics';
import { requestIdOf, routeTemplateOf } from './locals';

/**
 * Access log line and HTTP metrics for every request, written when the response closes. Both use the
 * route template (never the raw path or query string, which may carry ids or tokens) and no bodies.
 */
export function observeRequests(logger: Logger, metrics: MetricsRegistry): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // 'close' fires outside the request's async context; the context object itself (enriched with the
    // caller and app as the request went on) is carried over so the access line names them too.
    const context = currentRequestContext();
    const inContext = (log: () => void) => (context ? runWithRequestContext(context, log) : log());
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const labels = { method: req.method, route: routeTemplateOf(res), status: String(res.statusCode) };
      metrics.httpRequestsTotal.inc(labels);
      metrics.httpRequestDurationSeconds.observe(labels, seconds);
      inContext(() =>
        logger.info('http request', {
          request_id: requestIdOf(res),
          method: labels.method,
          route: labels.route,
          status: res.statusCode,
          duration_ms: Math.round(seconds * 1e6) / 1e3,
          ...(!res.writableFinished && { aborted: true }),
        }),
      );
    });
    next();
  };
}
