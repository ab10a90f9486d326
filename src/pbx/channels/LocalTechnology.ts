import { runPbx } from '../dialplan/runPbx.js';
import { createLocalPair, publishLocalBridge, setupTwo } from './LocalChannel.js';
import type { ChannelTechnology } from './technology.js';

/**
 * `Local/<exten>[@<context>]`: a pair of channels; `;1` is handed to the caller, `;2` runs the
 * dialplan at the extension once the call is placed.
 */
export const localTechnology: ChannelTechnology = {
  name: 'Local',
  request(pbx, resource, req) {
    const at = resource.indexOf('@');
    const target = {
      exten: at < 0 ? resource : resource.slice(0, at),
      context: at < 0 ? 'default' : resource.slice(at + 1),
    };
    const [one, two] = createLocalPair(pbx, target, req.linkedid);
    return {
      channel: one,
      dialString: resource,
      call() {
        // local_call: the call is set up on ;2 before the extension is looked up.
        setupTwo(pbx, one, two);
        if (!pbx.extensionExists(target.context, target.exten)) {
          one.invalid = two.invalid = true;
          return false;
        }
        publishLocalBridge(pbx, one, two);
        return true;
      },
      start() {
        pbx.track(runPbx(pbx, two));
      },
      abandon() {
        // The call never started: the halves go down without telling each other.
        one.partner = two.partner = undefined;
        pbx.hangupChannel(two);
        pbx.hangupChannel(one);
      },
    };
  },
};
