import { matchesGlob } from './glob';
import type { SemanticConfigType, SemanticDiffRule } from './types';

/**
 * Default classification (docs/semantic-diff.md "Classification"), evaluated after the app's own rules (first
 * match wins).
 */
export const DEFAULT_SEMANTIC_DIFF_RULES: readonly SemanticDiffRule[] = [
  { glob: 'entities/**', config_type: 'entity' },
  { glob: 'pages/**', config_type: 'page' },
  { glob: 'queues/**', config_type: 'queue' },
  { glob: 'providers/**', config_type: 'provider' },
  { glob: 'workflows/**', config_type: 'workflow' },
  { glob: 'tenants/**', config_type: 'tenant' },
  { glob: 'config/tenant.y?(a)ml', config_type: 'tenant' },
  { glob: 'menus/**', config_type: 'menu' },
  { glob: 'assets/**', config_type: 'asset' },
  { glob: 'scripts/**', config_type: 'script' },
];

const SCRIPT_EXTENSIONS = new Set([
  'js',
  'mjs',
  'cjs',
  'ts',
  'mts',
  'cts',
  'sh',
  'bash',
  'zsh',
  'ps1',
  'py',
  'rb',
  'lua',
  'groovy',
  'pl',
  'php',
]);

/**
 * The config types have no "other" (docs/semantic-diff.md "Classification"): a path no rule matches is classified by its extension —
 * code (`.js`, `.sh`, `.py`, ...) is a `script`, anything else an opaque `asset` (reported per file).
 */
export function classifyPath(path: string, rules: readonly SemanticDiffRule[] = []): SemanticConfigType {
  for (const rule of rules) if (matchesGlob(path, rule.glob)) return rule.config_type;
  for (const rule of DEFAULT_SEMANTIC_DIFF_RULES) if (matchesGlob(path, rule.glob)) return rule.config_type;
  return SCRIPT_EXTENSIONS.has(extensionOf(path)) ? 'script' : 'asset';
}

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The file name without its last extension (`entities/customer.json` → `customer`). */
export function fileStem(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}
