export {
  ActorRegistry,
  type ActorRegistryOptions,
  type RegistryChange,
} from './actorRegistry.js';
export type {
  ActorDetail,
  ActorKind,
  ActorSummary,
  TransitionTaken,
} from './actorViews.js';
export type { CallLogOptions, CallSummary } from './callLog.js';
export {
  type InspectorHandle,
  type InspectorOptions,
  type InspectorStats,
  startInspector,
} from './inspectorServer.js';
export { RuntimeWatch } from './runtimeWatch.js';
export { safeJson } from './safeJson.js';
export type { SseHubOptions, SseHubStats } from './sseHub.js';
export {
  type StatechartJson,
  type StateNodeJson,
  statechartGraph,
  type TransitionJson,
} from './statechartGraph.js';
export type { StepDetail, StepSummary } from './stepViews.js';
