import { NotFoundError, type App } from '@conman/core';

/** The app, or 404 (after the caller's access was checked, so existence is only revealed to members). */
export async function requireApp(
  apps: { findById(id: string): Promise<App | null> },
  appId: string,
): Promise<App> {
  const app = await apps.findById(appId);
  if (!app) throw new NotFoundError('App not found');
  return app;
}
