import { type Actor, createActor } from 'xstate';
import { type SupervisorNotice, supervisorMachine } from '../../src/actors/supervisorMachine.js';
import type { ChannelContext } from '../../src/machines/channel/channelContext.js';
import type { ChannelOutput } from '../../src/machines/channel/channelMachine.js';
import { describeChannel } from '../../src/machines/channel/describeChannel.js';
import { FakeAmiClient } from './fakeAmiClient.js';

/** What a test learns about one channel: its labels in order, its last context, its output. */
export interface ChannelRecord {
  states: string[];
  context: ChannelContext;
  output?: ChannelOutput;
}

/**
 * A supervisor on a fake client, recording every channel actor's state labels (consecutive
 * duplicates collapsed) as they happen.
 */
export function startRecordedSupervisor(lingerMs = 60_000): {
  client: FakeAmiClient;
  supervisor: Actor<typeof supervisorMachine>;
  channels: Map<string, ChannelRecord>;
} {
  const client = new FakeAmiClient();
  const channels = new Map<string, ChannelRecord>();
  const notify = (notice: SupervisorNotice): void => {
    if (notice.type === 'channel') {
      const { uniqueid, ref } = notice;
      const record: ChannelRecord = { states: [], context: ref.getSnapshot().context };
      channels.set(uniqueid, record);
      const observe = () => {
        const snapshot = ref.getSnapshot();
        record.context = snapshot.context;
        const label = describeChannel(snapshot);
        if (record.states.at(-1) !== label) record.states.push(label);
      };
      observe();
      ref.subscribe({ next: observe, complete: observe, error: () => {} });
    } else if (notice.type === 'hangup') {
      const record = channels.get(notice.uniqueid);
      if (record) record.output = notice.output;
    }
  };
  const supervisor = createActor(supervisorMachine, {
    input: { client, lingerMs, notify },
    systemId: 'ami',
  });
  supervisor.start();
  return { client, supervisor, channels };
}
