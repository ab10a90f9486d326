export {
  type ActorEventRecord,
  type ActorInfo,
  type ActorKind,
  ActorRegistry,
  type ActorRegistryOptions,
  type RegistryChange,
} from './actorRegistry.js';
export { type InspectorHandle, type InspectorOptions, startInspector } from './inspectorServer.js';
export { safeJson } from './safeJson.js';
export {
  type StatechartJson,
  type StateNodeJson,
  statechartGraph,
  type TransitionJson,
} from './statechartGraph.js';
