import { describe, expectTypeOf, it } from 'vitest';
import type { Call } from '../../src/calls/Call.js';
import type {
  AgiCommandArgs,
  AmiActionFields,
  AmiEventKey,
  AmiEventName,
} from '../../src/catalog/index.js';
import type { AmiConnection } from '../../src/connection/AmiConnection.js';
import type { AmiClient } from '../../src/connection/client.js';
import type { AgiResult } from '../../src/protocol/agiResult.js';
import type { AmiEvent, AmiEventMessage } from '../../src/protocol/amiEvent.js';

/*
 * Type tests: `npm test` type-checks this file (tsc), so a wrong `expectTypeOf` or an
 * `@ts-expect-error` that no longer finds an error fails the run. The functions below are never
 * called: they only have to compile.
 */

function actionsCompile(ami: AmiConnection): void {
  void ami.action('Originate', {
    Channel: 'Local/401@default',
    Application: 'Wait',
    Data: 5,
    Async: true,
    Variable: ['A=1', 'B=2'],
  });
  // @ts-expect-error: 'Chanel' is misspelt, and the required Channel is missing.
  void ami.action('Originate', { Chanel: 'Local/401@default', Application: 'Wait' });
  // @ts-expect-error: Channel is required.
  void ami.action('Originate', { Exten: '401', Context: 'default' });
  // @ts-expect-error: Hangup needs a Channel.
  void ami.action('Hangup');
  // @ts-expect-error: Ping takes no fields.
  void ami.action('Ping', { Pong: 'yes' });
  // @ts-expect-error: Variable of Setvar is one value, not a list.
  void ami.action('Setvar', { Variable: ['A'], Value: '1' });
  void ami.action('Ping');
  void ami.action('Ping', undefined, { timeoutMs: 1000 });
  // An action the catalogue does not know takes any fields.
  void ami.action('MyModuleAction', { Anything: 'goes', Count: 2 });
  // Free-form and numbered headers.
  void ami.action('UserEvent', { UserEvent: 'Ping', Header1: 'x', Whatever: 'y' });
  void ami.action('UpdateConfig', {
    SrcFilename: 'a.conf',
    DstFilename: 'a.conf',
    'Action-000000': 'NewCat',
    'Cat-000000': 'demo',
  });
  // An ordered field list is accepted for any action.
  void ami.action('Originate', [
    ['Channel', 'Local/401@default'],
    ['Variable', 'A=1'],
  ]);
  void ami.listAction('CoreShowChannels');
  // @ts-expect-error: Getvar needs its Variable.
  void ami.listAction('Getvar', { Channel: 'x' });
}

function clientCompiles(client: AmiClient): void {
  // @ts-expect-error: the same checks on the interface the runtime uses.
  void client.action('PlayDTMF', { Channel: 'x', Digt: '1' });
  void client.action('PlayDTMF', { Channel: 'x', Digit: '1', Receive: true });
}

function eventsCompile(ami: AmiConnection): void {
  ami.bus.on('event', (event) => {
    expectTypeOf(event).toEqualTypeOf<AmiEvent>();
    if (event.name === 'Hangup') {
      expectTypeOf(event).toEqualTypeOf<AmiEventMessage<'Hangup'>>();
      expectTypeOf(event.get('Cause-txt')).toEqualTypeOf<string | undefined>();
      // Keys the catalogue lacks are still allowed: the wire is richer than the documentation.
      expectTypeOf(event.get('X-Custom')).toEqualTypeOf<string | undefined>();
    }
    switch (event.name) {
      case 'DialBegin':
        expectTypeOf(event.name).toEqualTypeOf<'DialBegin'>();
        break;
      case 'Newexten':
        expectTypeOf(event).toEqualTypeOf<AmiEventMessage<'Newexten'>>();
        break;
    }
    // @ts-expect-error: no such event (a typo of Hangup).
    if (event.name === 'HangUp') return;
  });
  ami.bus.on('Hangup', (event) => {
    expectTypeOf(event).toEqualTypeOf<AmiEventMessage<'Hangup'>>();
  });
  // @ts-expect-error: no such event name on the bus.
  ami.bus.on('Hangupp', () => {});
}

describe('types from the Asterisk catalogue', () => {
  it('should give each event its documented keys', () => {
    expectTypeOf<'Cause-txt'>().toExtend<AmiEventKey<'Hangup'>>();
    expectTypeOf<'Uniqueid'>().toExtend<AmiEventKey<'Hangup'>>();
    expectTypeOf<'Event'>().toExtend<AmiEventKey<'Hangup'>>();
    expectTypeOf<'Cause-text'>().not.toExtend<AmiEventKey<'Hangup'>>();
    expectTypeOf<'DestUniqueid'>().toExtend<AmiEventKey<'DialBegin'>>();
    expectTypeOf<'DestUniqueid'>().not.toExtend<AmiEventKey<'Hangup'>>();
    expectTypeOf<'ChanVariable(Local/1@default-00000000;1)'>().toExtend<
      AmiEventKey<'OriginateResponse'>
    >();
    expectTypeOf<AmiEventKey<'NoSuchEvent'>>().toBeNever();
    expectTypeOf<'Newexten' | 'Rename' | 'AsyncAGIExec'>().toExtend<AmiEventName>();
  });

  it('should type action fields, required ones first', () => {
    expectTypeOf<AmiActionFields<'Originate'>['Channel']>().toEqualTypeOf<
      string | number | boolean
    >();
    expectTypeOf<AmiActionFields<'Originate'>['Variable']>().toEqualTypeOf<
      string | number | boolean | readonly string[] | undefined
    >();
    expectTypeOf(actionsCompile).toBeFunction();
    expectTypeOf(clientCompiles).toBeFunction();
    expectTypeOf(eventsCompile).toBeFunction();
  });

  it('should type AGI commands with their arguments', () => {
    expectTypeOf<AgiCommandArgs<'stream file'>>().toEqualTypeOf<
      [filename: string | number, escapeDigits: string | number, sampleOffset?: string | number]
    >();
    expectTypeOf<AgiCommandArgs<'STREAM FILE'>>().toEqualTypeOf<AgiCommandArgs<'stream file'>>();
    expectTypeOf<AgiCommandArgs<'answer'>>().toEqualTypeOf<[]>();
    const commands = (call: Call) => {
      expectTypeOf(call.command('STREAM FILE', ['hello-world', '#'])).toEqualTypeOf<
        Promise<AgiResult>
      >();
      void call.command('get data', ['beep', 5000, 4]);
      void call.command('answer', []);
      void call.command('NOOP');
      // @ts-expect-error: STREAM FILE needs its escape digits.
      void call.command('STREAM FILE', ['hello-world']);
      // @ts-expect-error: SAY DIGITS takes two arguments, not three.
      void call.command('say digits', ['123', '', 'extra']);
      // @ts-expect-error: no such AGI command with arguments.
      void call.command('STREAM FIEL', ['hello-world', '']);
    };
    expectTypeOf(commands).toBeFunction();
  });
});
