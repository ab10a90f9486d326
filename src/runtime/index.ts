/**
 * The runtime core: the supervisor, one channel statechart per call, and `createRuntime`.
 *
 * @example
 * import { createRuntime } from 'octostate';
 * const runtime = createRuntime({ url: process.env.ASTERISK_AMI_URL });
 * runtime.bus.on('hangup', ({ output }) => console.log(output.name, output.causeText));
 */

export { BridgeRegistry } from '../actors/bridgeRegistry.js';
export { ChannelDirectory } from '../actors/channelDirectory.js';
export { type ChannelActorRef, ChannelRouter, type RouterNotice } from '../actors/channelRouter.js';
export {
  type ClientActorEvent,
  type ClientActorInput,
  clientActor,
} from '../actors/clientActor.js';
export type { BridgeChange, DispatchSink } from '../actors/dispatch.js';
export { dispatch } from '../actors/dispatch.js';
export { listChannels } from '../actors/listChannels.js';
export { applyResync, type ResyncReport, type ResyncSink } from '../actors/resync.js';
export { type ChannelIndex, routeKeys, spawnInput } from '../actors/router.js';
export {
  channelActorOf,
  type SupervisorConnectionState,
  type SupervisorContext,
  type SupervisorEmitted,
  type SupervisorEvent,
  type SupervisorInput,
  supervisorMachine,
} from '../actors/supervisorMachine.js';
export { Call, isInAgi } from '../calls/Call.js';
export { type CallHandler, CallHandlers, type CallMatch } from '../calls/callHandlers.js';
export {
  type CollectDigitsEvent,
  type CollectDigitsInput,
  type CollectDigitsOutput,
  type CollectDigitsReason,
  collectDigitsMachine,
} from '../calls/collectDigitsMachine.js';
export { OriginateTracker } from '../calls/originateTracker.js';
export {
  type AgiInfo,
  absorbEvent,
  type ChannelContext,
  type ChannelInput,
  type ChannelStateCode,
  channelInputFrom,
  type DialInfo,
  type DialplanStep,
  type HangupInfo,
  initialChannelContext,
  MAX_DTMF,
  MAX_HISTORY,
  type PartyId,
} from '../machines/channel/channelContext.js';
export {
  type AmiSendRequest,
  amiEventType,
  type ChannelAmiEvent,
  type ChannelCommandEvent,
  type ChannelEvent,
  type ChannelLostEvent,
  type ChannelSyncEvent,
  toChannelEvent,
} from '../machines/channel/channelEvents.js';
export {
  type ChannelOutput,
  channelMachine,
  type LineState,
  lineStateOf,
} from '../machines/channel/channelMachine.js';
export { describeChannel } from '../machines/channel/describeChannel.js';
export {
  type AgiServiceInput,
  agiServices,
  type DigitCollectingCall,
} from '../machines/flows/agiServices.js';
export {
  type HelloInput,
  helloMachine,
} from '../machines/flows/helloMachine.js';
export {
  type IvrContext,
  type IvrInput,
  type IvrOutcome,
  type IvrOutput,
  ivrMachine,
} from '../machines/flows/ivrMachine.js';
export {
  DEFAULT_MENU_PROMPT,
  type MenuContext,
  type MenuInput,
  type MenuOutput,
  type MenuReason,
  menuMachine,
} from '../machines/flows/menuMachine.js';
export {
  type PasscodeContext,
  type PasscodeInput,
  type PasscodeOutput,
  type PasscodeReason,
  passcodeMachine,
} from '../machines/flows/passcodeMachine.js';
export {
  type ChannelLookup,
  createRuntime,
  type InjectDtmfOptions,
  type OriginateOptions,
  type OriginateToAgiOptions,
  type Runtime,
  type RuntimeOptions,
  type RuntimeStats,
} from './createRuntime.js';
export {
  type DtmfInjectionServer,
  type DtmfInjectionServerOptions,
  startDtmfInjectionServer,
} from './dtmfInjectionServer.js';
export type { RuntimeEvents } from './runtimeEvents.js';
