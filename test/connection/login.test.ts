import { afterEach, describe, expect, it } from 'vitest';
import { AmiActionError, AmiAuthenticationError } from '../../src/connection/errors.js';
import { md5Key } from '../../src/connection/login.js';
import { readTrace } from '../support/traces.js';
import { cleanUp, connection, pause, rejectionOf, server } from './support.js';

/** The first value of `key` in the recorded bytes of a trace. */
function recorded(trace: string, dir: 'rx' | 'tx', key: string): string {
  const match = new RegExp(`^${key}: (.*)\r$`, 'm').exec(readTrace(trace, dir).toString('utf8'));
  if (!match?.[1]) throw new Error(`${key} not found in ${trace}.${dir}`);
  return match[1];
}

describe('md5Key', () => {
  it('should match the Key real Asterisk accepted in the login-md5 trace', () => {
    const challenge = recorded('login-md5', 'rx', 'Challenge');
    const key = recorded('login-md5', 'tx', 'Key');
    expect(challenge).toBe('494248310');
    expect(md5Key(challenge, 'secret')).toBe(key);
  });
});

describe('login', () => {
  afterEach(cleanUp);

  it('should log in with the plain secret like the login-plain trace', async () => {
    const target = await server();
    const client = connection(target);
    await client.connect();
    expect(client.state).toBe('connected');
    expect(client.banner).toBe('Asterisk Call Manager/11.0.0');
    const [loginAction] = target.received('Login');
    expect(loginAction?.fields.map(([key]) => key)).toEqual([
      'Action',
      'ActionID',
      'Username',
      'Secret',
    ]);
    expect(loginAction?.get('Username')).toBe('manager');
    expect(loginAction?.get('Secret')).toBe('secret');
  });

  it('should log in with the MD5 challenge and never send the secret', async () => {
    const challenge = recorded('login-md5', 'rx', 'Challenge');
    const target = await server({ challenge });
    const client = connection(target, { authType: 'md5' });
    await client.connect();
    expect(client.state).toBe('connected');
    const [challengeAction] = target.received('Challenge');
    expect(challengeAction?.get('AuthType')).toBe('MD5');
    const [loginAction] = target.received('Login');
    expect(loginAction?.get('AuthType')).toBe('MD5');
    expect(loginAction?.get('Key')).toBe(recorded('login-md5', 'tx', 'Key'));
    expect(loginAction?.get('Secret')).toBeUndefined();
    expect(target.actions.some((action) => action.raw.includes('secret'))).toBe(false);
  });

  it('should send the Events option with Login', async () => {
    const target = await server();
    const client = connection(target, { events: 'off' });
    await client.connect();
    expect(target.received('Login')[0]?.get('Events')).toBe('off');
  });

  it('should fail with AmiAuthenticationError and not retry (login-fail trace)', async () => {
    const target = await server();
    const client = connection(target, {
      secret: 'wrong-secret',
      retryFirstConnect: true,
      reconnect: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    const states: string[] = [];
    client.bus.on('state', (state) => states.push(state));
    const error = await rejectionOf(client.connect());
    expect(error).toBeInstanceOf(AmiAuthenticationError);
    const cause = error.cause as AmiActionError;
    expect(cause).toBeInstanceOf(AmiActionError);
    expect(cause.response.get('Message')).toBe('Authentication failed');
    expect(client.state).toBe('closed');
    expect(client.closeReason).toBe(error);
    await pause(50);
    expect(target.clients).toHaveLength(1);
    expect(states).toEqual(['connecting', 'closed']);
  });

  it('should fail an MD5 login with a wrong secret the same way', async () => {
    const target = await server();
    const client = connection(target, { authType: 'md5', secret: 'nope' });
    expect(await rejectionOf(client.connect())).toBeInstanceOf(AmiAuthenticationError);
  });
});
