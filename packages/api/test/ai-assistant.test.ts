import {
  analyzeChangeset,
  answerFromAnalysis,
  computeSemanticDiff,
  type AnalysisContext,
  type LogFields,
  type Logger,
  type SemanticFileChange,
} from '@conman/core';
import { createServer } from 'node:net';
import { createChangesetAssistant } from '@conman/api';
import { completion, startFakeOpenAi } from './support/fake-openai';

const API_KEY = 'sk-test-0123456789';
const PASSWORD = 'hunter2-Very-Secret';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLQ';
const TOKEN = 'x9Kq2LmP7vRt4ZwB8nYc3HdF6sJg1Qa';
const PEM_BODY = 'MIIEowIBAAKCAQEAsecretPemBody';

const files: SemanticFileChange[] = [
  {
    status: 'modified',
    path: 'entities/customer.json',
    oldContent: '{\n  "name": "customer",\n  "label": "Customer",\n  "legacy": true\n}\n',
    newContent: '{\n  "name": "customer",\n  "label": "Client"\n}\n',
  },
  {
    status: 'added',
    path: 'providers/smtp.yml',
    newContent: `name: smtp\npassword: ${PASSWORD}\naccess_key_id: ${AWS_KEY}\nsigning: ${TOKEN}\ntls_key: |\n  -----BEGIN PRIVATE KEY-----\n  ${PEM_BODY}\n  -----END PRIVATE KEY-----\n`,
  },
];

const context: AnalysisContext = {
  changeset: {
    id: '64b000000000000000000001',
    title: 'Mail provider',
    description: `Adds SMTP (temporary password: ${PASSWORD})`,
  },
  diff: computeSemanticDiff({ baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), files }),
  files,
  gateFailures: [],
};
const builtin = analyzeChangeset(context);

function recordingLogger(): Logger & { warnings: { message: string; fields?: LogFields }[] } {
  const warnings: { message: string; fields?: LogFields }[] = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string, fields?: LogFields) => void warnings.push({ message, fields }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
beforeEach(async () => {
  fake = await startFakeOpenAi();
});
afterEach(async () => {
  await fake.close();
});

const assistantFor = (logger: Logger, timeoutMs = 5000) =>
  createChangesetAssistant({
    baseUrl: fake.baseUrl,
    apiKey: API_KEY,
    model: 'test-model',
    timeoutMs,
    logger,
  });

function expectQuietWarning(logger: ReturnType<typeof recordingLogger>, operation: string, reason: string) {
  expect(logger.warnings).toHaveLength(1);
  expect(logger.warnings[0]?.fields).toMatchObject({ operation, reason });
  const logged = JSON.stringify(logger.warnings);
  for (const forbidden of [API_KEY, PASSWORD, 'Mail provider', 'customer'])
    expect(logged).not.toContain(forbidden);
}

describe('createChangesetAssistant without a model', () => {
  it('answers with the built-in analyzer and chat, calling nothing', async () => {
    const assistant = createChangesetAssistant({ logger: recordingLogger() });
    await expect(assistant.analyze(context)).resolves.toEqual({ ...builtin, source: 'builtin' });
    await expect(assistant.chat(context, 'how many changes?')).resolves.toEqual({
      answer: answerFromAnalysis(context, builtin, 'how many changes?'),
      source: 'builtin',
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('createChangesetAssistant with an OpenAI-compatible model', () => {
  it('sends model, bearer key and the built-in analysis; merges the model findings into the built-in ones', async () => {
    fake.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        completion(
          '```json\n' +
            JSON.stringify({
              summary: 'Renames the customer label and adds an SMTP provider.',
              findings: [
                {
                  file_path: 'entities/customer.json',
                  line: 3,
                  severity: 'info',
                  message: 'Label renamed to Client',
                },
                {
                  file_path: 'elsewhere/unknown.json',
                  severity: 'error',
                  message: 'Not part of this changeset',
                },
              ],
            }) +
            '\n```',
        ),
      );
    });
    const logger = recordingLogger();
    const result = await assistantFor(logger).analyze(context);

    expect(result.source).toBe('model');
    expect(result.summary).toBe('Renames the customer label and adds an SMTP provider.');
    expect(result.findings).toEqual(
      [
        ...builtin.findings,
        {
          file_path: 'entities/customer.json',
          line: 3,
          severity: 'info',
          message: 'Label renamed to Client',
        },
      ].sort((a, b) =>
        a.file_path < b.file_path ? -1 : a.file_path > b.file_path ? 1 : (a.line ?? 0) - (b.line ?? 0),
      ),
    );
    expect(logger.warnings).toEqual([]);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body.model).toBe('test-model');
    expect(request!.body.messages.map((message: { role: string }) => message.role)).toEqual([
      'system',
      'user',
    ]);
    const context_ = JSON.parse(request!.body.messages[1].content);
    expect(context_.builtin_analysis.summary).toBe(builtin.summary);
    expect(context_.semantic_diff.summary).toEqual(context.diff.summary);
    expect(context_.semantic_diff.changes.map((change: { file_path: string }) => change.file_path)).toEqual(
      context.diff.changes.map((change) => change.filePath),
    );
  });

  it('never sends secret values to the model (analysis and chat)', async () => {
    fake.handle((_request, response) =>
      response.writeHead(200).end(completion('{"summary": "ok", "findings": []}')),
    );
    const assistant = assistantFor(recordingLogger());
    await assistant.analyze(context);
    fake.handle((_request, response) => response.writeHead(200).end(completion('It adds a provider.')));
    await assistant.chat(context, `is the password ${PASSWORD} ok? and password=${PASSWORD}`);
    // A value the analyzer found in the changeset is scrubbed even where nothing marks it as a secret.
    await assistant.chat(context, `does ${PASSWORD} still work, and ${AWS_KEY}?`);

    expect(fake.requests).toHaveLength(3);
    for (const request of fake.requests) {
      for (const secret of [PASSWORD, AWS_KEY, TOKEN, PEM_BODY])
        expect(request.rawBody).not.toContain(secret);
      expect(request.rawBody).toContain('[REDACTED]');
      expect(request.rawBody).toContain('providers/smtp.yml');
    }
  });

  it('answers chat with the model, sending the question after the context', async () => {
    fake.handle((_request, response) => response.writeHead(200).end(completion('  Two files change.  ')));
    const result = await assistantFor(recordingLogger()).chat(context, 'What changes?');
    expect(result).toEqual({ answer: 'Two files change.', source: 'model' });
    const messages = fake.requests[0]!.body.messages;
    expect(messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user', 'user']);
    expect(messages[2].content).toBe('What changes?');
  });

  it('falls back to the built-in analysis on HTTP 500, logging the status without key or prompt', async () => {
    fake.handle((_request, response) =>
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}'),
    );
    const logger = recordingLogger();
    const assistant = assistantFor(logger);
    await expect(assistant.analyze(context)).resolves.toEqual({ ...builtin, source: 'builtin' });
    expectQuietWarning(logger, 'analyze', 'http_error');
    expect(logger.warnings[0]?.fields?.status).toBe(500);

    const chatLogger = recordingLogger();
    await expect(assistantFor(chatLogger).chat(context, 'which files?')).resolves.toEqual({
      answer: answerFromAnalysis(context, builtin, 'which files?'),
      source: 'builtin',
    });
    expectQuietWarning(chatLogger, 'chat', 'http_error');
  });

  it('falls back when the model does not answer in time', async () => {
    fake.handle(() => undefined); // never responds
    const logger = recordingLogger();
    const started = Date.now();
    await expect(assistantFor(logger, 300).analyze(context)).resolves.toEqual({
      ...builtin,
      source: 'builtin',
    });
    expect(Date.now() - started).toBeLessThan(4000);
    expectQuietWarning(logger, 'analyze', 'timeout');
  });

  it.each([
    ['a body that is not JSON', (res: any) => res.writeHead(200).end('<html>')],
    ['no choices', (res: any) => res.writeHead(200).end('{"choices": []}')],
    ['content that is not JSON', (res: any) => res.writeHead(200).end(completion('Looks fine to me!'))],
    [
      'JSON of the wrong shape',
      (res: any) =>
        res.writeHead(200).end(
          completion(
            JSON.stringify({
              summary: 'x',
              findings: [{ file_path: 'a', severity: 'critical', message: 'm' }],
            }),
          ),
        ),
    ],
  ])('falls back on invalid output: %s', async (_label, respond) => {
    fake.handle((_request, response) => respond(response));
    const logger = recordingLogger();
    await expect(assistantFor(logger).analyze(context)).resolves.toEqual({ ...builtin, source: 'builtin' });
    expectQuietWarning(logger, 'analyze', 'invalid_response');
  });

  it('falls back when the endpoint cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const logger = recordingLogger();
    const assistant = createChangesetAssistant({ baseUrl: `http://127.0.0.1:${closedPort}/v1/`, logger });
    await expect(assistant.chat(context, 'risks?')).resolves.toEqual({
      answer: answerFromAnalysis(context, builtin, 'risks?'),
      source: 'builtin',
    });
    expectQuietWarning(logger, 'chat', 'network_error');
  });

  it('sends no Authorization header when no API key is configured', async () => {
    fake.handle((_request, response) => response.writeHead(200).end(completion('fine')));
    await createChangesetAssistant({ baseUrl: `${fake.baseUrl}/`, logger: recordingLogger() }).chat(
      context,
      'hi',
    );
    expect(fake.requests[0]!.url).toBe('/v1/chat/completions');
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
    expect(fake.requests[0]!.body.model).toBe('gpt-4o-mini');
  });
});
