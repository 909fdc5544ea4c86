import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configEnvSchema } from '@conman/core';

describe('.env.example', () => {
  it('documents exactly the variables the configuration schema accepts', () => {
    const text = readFileSync(path.join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^(CONMAN_[A-Z0-9_]+)=/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.keys(configEnvSchema.shape).sort());
  });
});
