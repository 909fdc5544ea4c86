import { z } from 'zod';
import { DEFAULT_BLOCKED_PATHS } from './paths';
import { globComplexityProblem, MAX_GLOB_LENGTH } from './semantic-diff/glob';
import { SEMANTIC_CONFIG_TYPES } from './semantic-diff/types';

/**
 * Per-app settings of SPEC §6.1 (plus `default_env_vars`), validated once here: the settings PATCH
 * body, and the types the rest of the code reads. Wire (snake_case) names throughout.
 */

export const BASELINE_MODES = ['integration_head', 'canonical_env_release'] as const;
export type BaselineMode = (typeof BASELINE_MODES)[number];

export const COMMIT_MODES = ['submit_commit', 'manual_checkpoint'] as const;
export type CommitMode = (typeof COMMIT_MODES)[number];

export const RUNTIME_PROFILE_APPROVAL_POLICIES = ['same_as_changeset', 'stricter_two_approvals'] as const;
export type RuntimeProfileApprovalPolicy = (typeof RUNTIME_PROFILE_APPROVAL_POLICIES)[number];

/** The gates a `validation_gates` entry configures: named like their job types (SPEC §8). */
export const VALIDATION_GATE_NAMES = [
  'msuite_submit',
  'msuite_merge',
  'msuite_deploy',
  'msuite_validate',
] as const;
export type ValidationGateName = (typeof VALIDATION_GATE_NAMES)[number];

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;
const MAX_GLOBS = 200;
const MAX_ENV_VARS = 100;
const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Lower-case DNS labels; one label is enough (`localhost` serves `<name>.localhost` in development).
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Why a glob cannot be used (null when it compiles). Globs are repository-relative, like file paths,
 * and every settings glob uses the one linear-time matcher (`matchesGlob`, see docs/semantic-diff.md):
 * one too long or with too many wildcards is refused when saved, not silently ignored later.
 */
export function globProblem(glob: string): string | null {
  if (glob.trim() === '') return 'is empty';
  if (CONTROL_CHARS.test(glob)) return 'contains a control character';
  if (glob.includes('\\')) return 'contains a backslash (paths are /-separated)';
  if (glob.startsWith('/')) return 'must be relative to the repository root';
  return globComplexityProblem(glob);
}

const glob = z
  .string()
  .max(MAX_GLOB_LENGTH)
  .superRefine((value, context) => {
    const problem = globProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `Glob ${problem}` });
  });

const commandText = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\u0000'), 'Must not contain NUL');

/** `sh -c` text, a shell-free argv array, or null (built-in checks only). */
const gateCommand = z.union([
  commandText,
  z
    .array(
      z
        .string()
        .max(4096)
        .refine((value) => !value.includes('\u0000'), 'Must not contain NUL'),
    )
    .min(1)
    .max(256)
    .refine((argv) => (argv[0] ?? '') !== '', 'The program (first element) must not be empty'),
  z.null(),
]);

export const validationGateSchema = z.strictObject({
  name: z.enum(VALIDATION_GATE_NAMES),
  command: gateCommand,
  timeout_seconds: z.number().int().min(1).max(86_400),
  /** Which runtime profile scope the gate's variables come from (SPEC §8 gate scopes, e.g. `temp`). */
  profile_scope: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'Letters, digits, dot, dash, underscore and colon'),
  /** Whether the command may reach the network; absent = off (msuite checks a commit, docs/security.md). */
  network: z.boolean().optional(),
});
export type ValidationGate = z.output<typeof validationGateSchema>;

export const semanticDiffRuleSettingSchema = z.strictObject({
  glob,
  config_type: z.enum(SEMANTIC_CONFIG_TYPES),
});
export type SemanticDiffRuleSetting = z.output<typeof semanticDiffRuleSettingSchema>;

const defaultEnvVars = z
  .record(
    z
      .string()
      .regex(ENV_VAR_NAME, 'Names are upper case letters, digits and _, not starting with a digit')
      .refine((name) => !name.startsWith('CONMAN_'), 'CONMAN_* names are reserved for Conman'),
    z.string().max(4096),
  )
  .refine((vars) => Object.keys(vars).length <= MAX_ENV_VARS, `At most ${MAX_ENV_VARS} variables`);

/** Every setting with its rules; the settings PATCH body is its strict partial form. */
export const appSettingsShape = {
  baseline_mode: z.enum(BASELINE_MODES),
  canonical_env_id: z
    .string()
    .regex(/^[0-9a-f]{24}$/, 'Must be a 24-character hexadecimal id')
    .nullable(),
  commit_mode_default: z.enum(COMMIT_MODES),
  blocked_paths: z.array(glob).max(MAX_GLOBS),
  file_size_limit_bytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024),
  required_approvals: z.number().int().min(1).max(20),
  allow_self_approval: z.boolean(),
  runtime_profile_approval_policy: z.enum(RUNTIME_PROFILE_APPROVAL_POLICIES),
  temp_url_domain: z
    .string()
    .max(253)
    .regex(DOMAIN, 'A lower-case DNS domain such as preview.example.com')
    .nullable(),
  validation_gates: z
    .array(validationGateSchema)
    .max(VALIDATION_GATE_NAMES.length)
    .refine(
      (gates) => new Set(gates.map((gate) => gate.name)).size === gates.length,
      'Each gate may be configured once',
    ),
  semantic_diff_rules: z.array(semanticDiffRuleSettingSchema).max(MAX_GLOBS),
  default_env_vars: defaultEnvVars,
};

/** The complete settings of an app. */
export const appSettingsSchema = z.strictObject(appSettingsShape);
export type AppSettings = z.output<typeof appSettingsSchema>;

/** `PATCH A/settings`: any subset of the settings; unknown names are refused. */
export const appSettingsPatchSchema = z.strictObject(appSettingsShape).partial();
export type AppSettingsPatch = z.output<typeof appSettingsPatchSchema>;

/** The settings of a new app (SPEC §5.2, §5.4, §4.2, §6.1 defaults). */
export const DEFAULT_APP_SETTINGS: Readonly<AppSettings> = Object.freeze({
  baseline_mode: 'canonical_env_release',
  canonical_env_id: null,
  commit_mode_default: 'submit_commit',
  blocked_paths: [...DEFAULT_BLOCKED_PATHS],
  file_size_limit_bytes: 5 * 1024 * 1024,
  required_approvals: 1,
  allow_self_approval: false,
  runtime_profile_approval_policy: 'stricter_two_approvals',
  temp_url_domain: null,
  validation_gates: [],
  semantic_diff_rules: [],
  default_env_vars: {},
});

/** The settings after a PATCH: named settings replace the old values whole (arrays and maps too). */
export function applySettingsPatch(current: AppSettings, patch: AppSettingsPatch): AppSettings {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...current, ...defined };
}

// eslint-disable-next-line no-control-regex
const REPO_PATH_FORBIDDEN = /[\x00-\x1f\x7f\\]/;
const REPO_PATH_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Why a `repo_path` cannot name an app's repository (null when it can). Relative to the Git storage
 * root, `/`-separated, normalized, at most 255 bytes; every segment starts with a letter or digit (so
 * no `.`/`..`, no hidden directories); the last ends with `.git` (bare repository convention, as
 * Gitaly's relative paths) and no earlier one does (no repository nested inside another).
 */
export function repoPathProblem(repoPath: string): string | null {
  if (repoPath === '') return 'is empty';
  if (new TextEncoder().encode(repoPath).length > 255) return 'is longer than 255 bytes';
  if (REPO_PATH_FORBIDDEN.test(repoPath)) return 'contains a backslash or control character';
  if (repoPath.startsWith('/')) return 'must be relative to the storage root';
  const segments = repoPath.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..' || segment === ''))
    return 'must be normalized (no empty, . or .. segments)';
  if (!segments.every((segment) => REPO_PATH_SEGMENT.test(segment)))
    return 'segments may only use letters, digits, dot, dash and underscore, starting with a letter or digit';
  const last = segments[segments.length - 1] ?? '';
  if (!last.endsWith('.git') || last === '.git') return 'must end with <name>.git';
  if (segments.slice(0, -1).some((segment) => segment.toLowerCase().endsWith('.git')))
    return 'must not lie inside another repository (only the last segment ends with .git)';
  return null;
}
