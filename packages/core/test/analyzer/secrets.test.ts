import {
  detectSecret,
  isHighEntropyToken,
  isSecretKeyName,
  maskSecret,
  redactSecretsInText,
  redactSecretValues,
} from '@conman/core';

describe('secret detection', () => {
  it.each([
    ['password', true],
    ['db_password', true],
    ['dbPassword', true],
    ['apiKey', true],
    ['api-key', true],
    ['API_KEY', true],
    ['client_secret', true],
    ['private_key', true],
    ['accessToken', true],
    ['secret', true],
    ['token_ttl', false],
    ['password_min_length', false],
    ['secret_ref', false],
    ['key', false],
    ['monkey', false],
    ['name', false],
  ])('key name %s is secret-named: %s', (key, expected) => {
    expect(isSecretKeyName(key)).toBe(expected);
  });

  it('flags literal values under secret-named keys but not references or empty values', () => {
    expect(detectSecret('hunter2', 'password')).toBe('secret_key_name');
    for (const value of [
      '',
      '  ',
      '${DB_PASSWORD}',
      '$DB_PASSWORD',
      '{{ vault.db }}',
      'env:DB_PASSWORD',
      'vault://x',
      '******',
      '<password>',
    ]) {
      expect(detectSecret(value, 'password')).toBeUndefined();
    }
    expect(detectSecret('hunter2', 'description')).toBeUndefined();
  });

  it('flags PEM private keys, AWS key ids and known token formats anywhere', () => {
    expect(detectSecret('-----BEGIN OPENSSH PRIVATE KEY-----\nabc')).toBe('private_key');
    expect(detectSecret('-----BEGIN CERTIFICATE-----\nabc')).toBeUndefined();
    expect(detectSecret('key id AKIAIOSFODNN7EXAMPLQ here')).toBe('aws_access_key');
    expect(detectSecret(`ghp_${'a'.repeat(36)}`)).toBe('known_token');
    expect(detectSecret(`xoxb-123456789012-abcdefghij`)).toBe('known_token');
  });

  it('separates random tokens from identifiers, hashes and uuids', () => {
    expect(isHighEntropyToken('x9Kq2LmP7vRt4ZwB8nYc3HdF6sJg1Qa')).toBe(true);
    expect(isHighEntropyToken('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(true);
    for (const text of [
      'CustomerAddressProviderHandler2024',
      'ThisIsAVeryLongIdentifierName42',
      'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
      '550e8400-e29b-41d4-a716-446655440000',
      'short1A',
    ]) {
      expect(isHighEntropyToken(text)).toBe(false);
    }
  });

  it('masks without revealing the value', () => {
    expect(maskSecret('hunter2-Very-Secret')).toBe('hu****** (19 characters)');
    expect(maskSecret('short')).toBe('****** (5 characters)');
  });

  it('redacts free text and structured values', () => {
    const text = [
      'password: hunter2 and more',
      '"client_secret": "two words"',
      'AKIAIOSFODNN7EXAMPLQ',
      'token=${TOKEN}',
      '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      'plain x9Kq2LmP7vRt4ZwB8nYc3HdF6sJg1Qa text',
    ].join('\n');
    expect(redactSecretsInText(text)).toBe(
      [
        'password: [REDACTED] and more',
        '"client_secret": "[REDACTED]"',
        '[REDACTED]',
        'token=${TOKEN}',
        '[REDACTED]',
        'plain [REDACTED] text',
      ].join('\n'),
    );
    expect(redactSecretsInText('the password is Hunt3r!x, the token abcDEF123456.')).toBe(
      'the password is [REDACTED], the token [REDACTED]',
    );
    expect(redactSecretsInText('{"pin_token":1234,"list":[{"apiKey":abc}]}')).toBe(
      '{"pin_token":[REDACTED],"list":[{"apiKey":[REDACTED]}]}',
    );
    expect(redactSecretsInText('is the password policy strict? what is the token lifetime')).toBe(
      'is the password policy strict? what is the token lifetime',
    );
    expect(
      redactSecretValues({
        db: { password: 'p a s s', pin_token: 1234, user: 'app' },
        list: [{ apiKey: 'k' }],
        ref: '${X}',
      }),
    ).toEqual({
      db: { password: '[REDACTED]', pin_token: '[REDACTED]', user: 'app' },
      list: [{ apiKey: '[REDACTED]' }],
      ref: '${X}',
    });
  });
});
