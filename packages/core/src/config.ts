import { z } from 'zod';
import { DEFAULT_INVITE_EXPIRY_DAYS } from './identity';

/**
 * Every CONMAN_* variable (SPEC §10.2) in one schema. `parseConfig` is pure: loading `.env`, the data
 * directory and generated secrets is the runtime package's job.
 */
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const optionalUrl = optionalText.refine(
  (value) => value === undefined || URL.canParse(value),
  'must be a URL',
);

/** `base64` of 32 bytes, or a comma-separated list of `keyId:base64` versions (newest last). */
const masterKeyText = z
  .string()
  .trim()
  .refine((value) => parseMasterKeys(value) !== undefined, {
    message: 'must be base64 of 32 bytes, or "id:base64,id:base64" with 32-byte keys',
  });

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export const JOB_FAMILIES = [
  'validation',
  'release',
  'deploy',
  'environment',
  'notification',
  'maintenance',
] as const;
export type JobFamily = (typeof JOB_FAMILIES)[number];

const workerConcurrency = Object.fromEntries(
  JOB_FAMILIES.map((family) => [`CONMAN_WORKER_CONCURRENCY_${family.toUpperCase()}`, positiveInt.default(2)]),
) as Record<`CONMAN_WORKER_CONCURRENCY_${Uppercase<JobFamily>}`, z.ZodDefault<typeof positiveInt>>;

export const configEnvSchema = z.object({
  CONMAN_MODE: z.enum(['embedded', 'production']).default('embedded'),
  CONMAN_PORT: port.default(3000),
  CONMAN_HOST: z.string().min(1).default('127.0.0.1'),
  CONMAN_DATA_DIR: z.string().min(1).default('./.conman-data'),
  CONMAN_MONGO_URI: optionalText.refine(
    (value) => value === undefined || /^mongodb(\+srv)?:\/\//.test(value),
    'must start with mongodb:// or mongodb+srv://',
  ),
  CONMAN_MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only')
    .default('conman'),
  CONMAN_REDIS_URL: optionalText.refine(
    (value) => value === undefined || /^rediss?:\/\//.test(value),
    'must start with redis:// or rediss://',
  ),
  CONMAN_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ., _ and - only')
    .default('conman'),
  CONMAN_GITALY_ADDRESS: optionalText,
  CONMAN_GITALY_TOKEN: optionalText,
  CONMAN_GITALY_TOKEN_MODE: z.enum(['raw', 'v2']).default('v2'),
  CONMAN_GITALY_STORAGE: z.string().min(1).default('default'),
  CONMAN_JWT_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters',
  }),
  CONMAN_JWT_EXPIRY_HOURS: positiveInt.default(24),
  CONMAN_INVITE_EXPIRY_DAYS: positiveInt.default(DEFAULT_INVITE_EXPIRY_DAYS),
  CONMAN_SECRETS_MASTER_KEY: masterKeyText.optional(),
  CONMAN_TEMP_URL_DOMAIN: z.string().min(1).default('temp.localhost'),
  CONMAN_SMTP_URL: optionalUrl,
  CONMAN_MAIL_FROM: z.string().min(3).default('Conman <conman@localhost>'),
  CONMAN_PUBLIC_URL: optionalUrl,
  CONMAN_AI_BASE_URL: optionalUrl,
  CONMAN_AI_API_KEY: optionalText,
  CONMAN_AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  CONMAN_AI_TIMEOUT_MS: positiveInt.max(300_000).default(10_000),
  CONMAN_ANALYSIS_BUDGET_MS: positiveInt.max(300_000).default(10_000),
  CONMAN_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CONMAN_BODY_LIMIT_BYTES: positiveInt.default(16 * 1024 * 1024),
  CONMAN_CORS_ORIGINS: z.string().default(''),
  CONMAN_TRUST_PROXY: flag.default(false),
  CONMAN_READINESS_TIMEOUT_MS: positiveInt.default(2000),
  // Bound of every MongoDB and Redis call of the server and the worker: a stalled dependency turns into
  // 503 `unavailable` (or a job retry) instead of a hanging request (docs/security.md).
  CONMAN_DEPENDENCY_TIMEOUT_MS: positiveInt.min(100).max(60_000).default(2000),
  CONMAN_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(900),
  CONMAN_RATE_LIMIT_MAX_PER_IP: positiveInt.default(50),
  CONMAN_RATE_LIMIT_MAX_PER_EMAIL: positiveInt.default(10),
  CONMAN_BOOTSTRAP_ADMIN_EMAIL: optionalText,
  CONMAN_BOOTSTRAP_ADMIN_PASSWORD: optionalText,
  CONMAN_BOOTSTRAP_ADMIN_NAME: z.string().min(1).default('Platform Admin'),
  // Port of the worker's Prometheus listener (GET /metrics); 0 = no listener.
  CONMAN_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  // How long a running job stays owned without a heartbeat, and how often each worker reconciles:
  // together they bound how long a crashed worker's job waits before another worker takes it.
  CONMAN_JOB_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(30),
  CONMAN_JOB_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  // How gate/deploy/migration commands run: `bwrap` (bubblewrap found on PATH, the default), an absolute
  // path to a bwrap binary, or `none` (unsandboxed; docs/security.md).
  CONMAN_COMMAND_SANDBOX: z
    .string()
    .trim()
    .refine((value) => value === 'bwrap' || value === 'none' || value.startsWith('/'), {
      message: 'must be bwrap, none, or an absolute path to a bwrap binary',
    })
    .default('bwrap'),
  // Age at which the reconciler settles a ref move's audit event still pending (its process crashed);
  // must exceed the longest ref move a live process can take.
  CONMAN_REF_MOVE_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  ...workerConcurrency,
});

export type ConfigEnv = z.infer<typeof configEnvSchema>;

export interface MasterKeyVersion {
  id: string;
  key: Buffer;
}

export interface ConmanConfig {
  mode: 'embedded' | 'production';
  http: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    corsOrigins: string[];
    trustProxy: boolean;
    readinessTimeoutMs: number;
  };
  publicUrl: string;
  dataDir: string;
  mongo: { uri: string | undefined; dbName: string };
  /** `prefix` names this installation's queues and channels in a shared Redis. */
  redis: { url: string | undefined; prefix: string };
  gitaly: {
    address: string | undefined;
    token: string | undefined;
    tokenMode: 'raw' | 'v2';
    storage: string;
  };
  auth: { jwtSecret: string; jwtExpiryHours: number; inviteExpiryDays: number };
  secrets: { masterKeys: MasterKeyVersion[] };
  mail: { smtpUrl: string | undefined; from: string };
  tempUrlDomain: string;
  ai: { baseUrl: string | undefined; apiKey: string | undefined; model: string; timeoutMs: number };
  /** Time budget of one semantic diff or built-in analysis (run off the event loop, docs/security.md). */
  analysis: { budgetMs: number };
  logLevel: (typeof LOG_LEVELS)[number];
  rateLimit: { windowSeconds: number; maxPerIp: number; maxPerEmail: number };
  workerConcurrency: Record<JobFamily, number>;
  /** Port of the worker's `GET /metrics` listener; 0 = disabled. */
  workerMetricsPort: number;
  /** `refMoveGraceMs`: age at which the reconciler settles a pending ref move (docs/audit.md). */
  jobs: { leaseMs: number; reconcileIntervalMs: number; refMoveGraceMs: number };
  /** How user-supplied commands run: in bubblewrap (`binary` by name or path), or unsandboxed. */
  commandSandbox: { mode: 'bwrap'; binary: string } | { mode: 'none' };
  /** How long one MongoDB or Redis call may take before it counts as the dependency being unavailable. */
  dependencyTimeoutMs: number;
  bootstrapAdmin: { email: string; password: string; name: string } | undefined;
}

/** Thrown with every invalid variable named, so a bad deployment fails at startup with one clear message. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function parseMasterKeys(text: string): MasterKeyVersion[] | undefined {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  const versions: MasterKeyVersion[] = [];
  for (const [index, part] of parts.entries()) {
    const separator = part.indexOf(':');
    const id = separator === -1 ? `k${index + 1}` : part.slice(0, separator);
    const encoded = separator === -1 ? part : part.slice(separator + 1);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32 || versions.some((version) => version.id === id)) return undefined;
    versions.push({ id, key });
  }
  return versions;
}

/**
 * Validates the environment. `generated` supplies the secrets embedded mode keeps in its data directory;
 * production mode never falls back to them.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  generated: { jwtSecret?: string; masterKey?: string } = {},
): ConmanConfig {
  const parsed = configEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const production = values.CONMAN_MODE === 'production';
  const problems: string[] = [];
  const jwtSecret = values.CONMAN_JWT_SECRET ?? (production ? undefined : generated.jwtSecret);
  const masterKeyText = values.CONMAN_SECRETS_MASTER_KEY ?? (production ? undefined : generated.masterKey);
  if (!jwtSecret) problems.push('CONMAN_JWT_SECRET: required in production mode (at least 32 characters)');
  if (!masterKeyText)
    problems.push('CONMAN_SECRETS_MASTER_KEY: required in production mode (base64 of 32 bytes)');
  if (production && !values.CONMAN_MONGO_URI) problems.push('CONMAN_MONGO_URI: required in production mode');
  if (production && !values.CONMAN_REDIS_URL) problems.push('CONMAN_REDIS_URL: required in production mode');
  const adminEmail = values.CONMAN_BOOTSTRAP_ADMIN_EMAIL;
  const adminPassword = values.CONMAN_BOOTSTRAP_ADMIN_PASSWORD;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    problems.push('CONMAN_BOOTSTRAP_ADMIN_EMAIL and CONMAN_BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  const masterKeys = masterKeyText ? parseMasterKeys(masterKeyText) : undefined;
  if (problems.length > 0 || !jwtSecret || !masterKeys) throw new ConfigError(problems);

  return {
    mode: values.CONMAN_MODE,
    http: {
      port: values.CONMAN_PORT,
      host: values.CONMAN_HOST,
      bodyLimitBytes: values.CONMAN_BODY_LIMIT_BYTES,
      corsOrigins: values.CONMAN_CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
      trustProxy: values.CONMAN_TRUST_PROXY,
      readinessTimeoutMs: values.CONMAN_READINESS_TIMEOUT_MS,
    },
    publicUrl: (values.CONMAN_PUBLIC_URL ?? `http://localhost:${values.CONMAN_PORT}`).replace(/\/+$/, ''),
    dataDir: values.CONMAN_DATA_DIR,
    mongo: { uri: values.CONMAN_MONGO_URI, dbName: values.CONMAN_MONGO_DB },
    redis: { url: values.CONMAN_REDIS_URL, prefix: values.CONMAN_REDIS_PREFIX },
    gitaly: {
      address: values.CONMAN_GITALY_ADDRESS,
      token: values.CONMAN_GITALY_TOKEN,
      tokenMode: values.CONMAN_GITALY_TOKEN_MODE,
      storage: values.CONMAN_GITALY_STORAGE,
    },
    auth: {
      jwtSecret,
      jwtExpiryHours: values.CONMAN_JWT_EXPIRY_HOURS,
      inviteExpiryDays: values.CONMAN_INVITE_EXPIRY_DAYS,
    },
    secrets: { masterKeys },
    mail: { smtpUrl: values.CONMAN_SMTP_URL, from: values.CONMAN_MAIL_FROM },
    tempUrlDomain: values.CONMAN_TEMP_URL_DOMAIN,
    ai: {
      baseUrl: values.CONMAN_AI_BASE_URL,
      apiKey: values.CONMAN_AI_API_KEY,
      model: values.CONMAN_AI_MODEL,
      timeoutMs: values.CONMAN_AI_TIMEOUT_MS,
    },
    analysis: { budgetMs: values.CONMAN_ANALYSIS_BUDGET_MS },
    logLevel: values.CONMAN_LOG_LEVEL,
    rateLimit: {
      windowSeconds: values.CONMAN_RATE_LIMIT_WINDOW_SECONDS,
      maxPerIp: values.CONMAN_RATE_LIMIT_MAX_PER_IP,
      maxPerEmail: values.CONMAN_RATE_LIMIT_MAX_PER_EMAIL,
    },
    workerConcurrency: Object.fromEntries(
      JOB_FAMILIES.map((family) => [family, values[`CONMAN_WORKER_CONCURRENCY_${toUpper(family)}`]]),
    ) as Record<JobFamily, number>,
    workerMetricsPort: values.CONMAN_WORKER_METRICS_PORT,
    jobs: {
      leaseMs: values.CONMAN_JOB_LEASE_SECONDS * 1000,
      reconcileIntervalMs: values.CONMAN_JOB_RECONCILE_INTERVAL_SECONDS * 1000,
      refMoveGraceMs: values.CONMAN_REF_MOVE_GRACE_SECONDS * 1000,
    },
    commandSandbox:
      values.CONMAN_COMMAND_SANDBOX === 'none'
        ? { mode: 'none' }
        : { mode: 'bwrap', binary: values.CONMAN_COMMAND_SANDBOX },
    dependencyTimeoutMs: values.CONMAN_DEPENDENCY_TIMEOUT_MS,
    bootstrapAdmin:
      adminEmail && adminPassword
        ? { email: adminEmail, password: adminPassword, name: values.CONMAN_BOOTSTRAP_ADMIN_NAME }
        : undefined,
  };
}

function toUpper<T extends string>(value: T): Uppercase<T> {
  return value.toUpperCase() as Uppercase<T>;
}
