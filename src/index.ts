/**
 * octostate: an actor-model telephony runtime for Asterisk.
 *
 * This entry point is what an application needs: the runtime (`createRuntime`), `Call` (how to act
 * on a call), the call flows (IVR building blocks, statecharts to embed or `.provide()`), the
 * channel statechart and its types, the inspector and the errors. The AMI client alone is
 * `octostate/connection`; the embedded PBX is `octostate/pbx`.
 *
 * @example
 * import { createRuntime, ivrMachine } from 'octostate';
 *
 * const runtime = createRuntime({ url: process.env.ASTERISK_AMI_URL });
 * runtime.handle({ exten: '500', inAgi: true }, ivrMachine);
 * await runtime.ready();
 */

export type { BridgeChange } from './actors/channelRouter.js';
export type { ResyncReport } from './actors/resync.js';
export {
  AgiChannel,
  type AgiCommandOptions,
  type GetDataResult,
  type PlaybackResult,
} from './calls/AgiChannel.js';
export type { AgiSendOptions, AgiSessionEnd, AgiTransport } from './calls/agiTransport.js';
export { Call } from './calls/Call.js';
export type {
  CallFunction,
  CallHandler,
  CallLogic,
  CallMatch,
  HandleOptions,
} from './calls/callHandlers.js';
export {
  type CollectDigitsInput,
  type CollectDigitsOutput,
  type CollectDigitsReason,
  collectDigitsMachine,
} from './calls/collectDigitsMachine.js';
export { DTMF_DURATION_MS } from './calls/dtmfInput.js';
export {
  DtmfInjectionBusyError,
  InvalidDtmfError,
  NoSuchCallError,
  OriginateError,
  type OriginateFailure,
} from './calls/errors.js';
export type { AgiRequest } from './calls/fastagi/agiRequest.js';
export { FastAgiSession, type FastAgiSessionOptions } from './calls/fastagi/FastAgiSession.js';
export {
  DEFAULT_FASTAGI_PORT,
  type FastAgiServer,
  type FastAgiServerHandlers,
  type FastAgiServerOptions,
  startFastAgiServer,
} from './calls/fastagi/fastAgiServer.js';
export type { DtmfInjectionLimits } from './calls/injectDtmf.js';
export type {
  InjectDtmfOptions,
  OriginateOptions,
  OriginateToAgiOptions,
} from './calls/originateOptions.js';
export type * from './catalog/index.js';
export {
  AmiActionError,
  AmiAuthenticationError,
  AmiConnectionClosedError,
  AmiListTooLongError,
  AmiPermissionError,
  AmiTimeoutError,
  AmiTooManyActionsError,
} from './connection/errors.js';
export {
  type InspectorHandle,
  type InspectorOptions,
  startInspector,
} from './inspector/inspectorServer.js';
export {
  type AgiInfo,
  type ChannelContext,
  type ChannelInput,
  type ChannelStateCode,
  channelInputFrom,
  type DialInfo,
  type DialplanStep,
  type HangupInfo,
  MAX_DTMF,
  MAX_HISTORY,
  type PartyId,
} from './machines/channel/channelContext.js';
export {
  type ChannelAmiEvent,
  type ChannelEmitted,
  type ChannelEvent,
  type ChannelLogicEvent,
  type ChannelLostEvent,
  type ChannelSyncEvent,
  toChannelEvent,
} from './machines/channel/channelEvents.js';
export {
  type ChannelOutput,
  channelMachine,
  type LineState,
  lineStateOf,
} from './machines/channel/channelMachine.js';
export {
  type ChannelActorRef,
  type ChannelSnapshot,
  hasHungUp,
  isAnswered,
  isBridged,
  isInAgi,
} from './machines/channel/channelSnapshot.js';
export { describeChannel } from './machines/channel/describeChannel.js';
export {
  type AgiServiceInput,
  agiServices,
  type DigitCollectingCall,
} from './machines/flows/agiServices.js';
export { type HelloInput, helloMachine } from './machines/flows/helloMachine.js';
export {
  type IvrContext,
  type IvrInput,
  type IvrOutcome,
  type IvrOutput,
  ivrMachine,
} from './machines/flows/ivrMachine.js';
export {
  DEFAULT_MENU_PROMPT,
  type MenuContext,
  type MenuInput,
  type MenuOutput,
  type MenuReason,
  menuMachine,
} from './machines/flows/menuMachine.js';
export {
  type PasscodeContext,
  type PasscodeInput,
  type PasscodeOutput,
  type PasscodeReason,
  passcodeMachine,
} from './machines/flows/passcodeMachine.js';
export { formatAgiCommand } from './protocol/agiCommand.js';
export type { AgiResult } from './protocol/agiResult.js';
export type { AmiEvent, AmiEventMessage } from './protocol/amiEvent.js';
export {
  AgiDeadChannelError,
  AgiError,
  AgiInvalidCommandError,
  AgiNotInAgiError,
  AgiSessionEndedError,
  AgiUsageError,
  AmiError,
  AmiProtocolError,
  FastAgiProtocolError,
} from './protocol/errors.js';
export { createRuntime } from './runtime/createRuntime.js';
export {
  AmbiguousCallError,
  type DtmfInjectionServer,
  type DtmfInjectionServerOptions,
  type DtmfInjector,
  startDtmfInjectionServer,
} from './runtime/dtmfInjectionServer.js';
export type { FastAgiRuntimeOptions } from './runtime/fastAgiCalls.js';
export type { ChannelLookup, Runtime, RuntimeOptions, RuntimeStats } from './runtime/runtime.js';
export type { ConnectionState, RuntimeEvents } from './runtime/runtimeEvents.js';
