/**
 * `octostate/cluster`: several runtime processes sharing several Asterisks through NATS JetStream.
 * Loading it loads the NATS client; the single-process runtime (`octostate`) never does.
 *
 * @example
 * import { createClusterNode } from 'octostate/cluster';
 * const node = createClusterNode({
 *   servers: 'nats://127.0.0.1:4222',
 *   node: 'a',
 *   asterisks: [{ id: 'pbx1', url: 'ami://manager:secret@10.0.0.1:5038' }],
 * });
 */
export { type AssignmentView, leasesToTry } from './assignment.js';
export type { AsteriskConfig, ClusterRuntimeOptions } from './asteriskSupervision.js';
export {
  ClusterClient,
  ClusterCommandError,
  ClusterTimeoutError,
  NoOwnerError,
  RemoteCommandError,
} from './ClusterClient.js';
export { clusterDtmfInjector } from './clusterDtmfInjector.js';
export {
  type ClusterInspectorHandle,
  type ClusterInspectorOptions,
  MAX_RELAYED_STREAMS,
  startClusterInspector,
} from './clusterInspector.js';
export { createClusterNode } from './clusterNode.js';
export type {
  ClusterNode,
  ClusterNodeEvents,
  ClusterNodeOptions,
  LeaseLoss,
} from './clusterNodeTypes.js';
export {
  CLUSTER_BUCKETS,
  ClusterConfigError,
  type ClusterStores,
  DEFAULT_STORE_LIMITS,
  EVENTS_STREAM,
  openClusterStores,
  openClusterStoresToRead,
  type StoreLimits,
} from './clusterStores.js';
export type {
  CallRef,
  ChannelSummary,
  ChannelTarget,
  ClusterCommands,
  CommandVerb,
  InspectReply,
} from './commandTypes.js';
export { type CallEventMessage, DEFAULT_OUTAGE_BUFFER } from './eventPublisher.js';
export { LeaseFencedError } from './fencedClient.js';
export { decodeFlowSnapshot, encodeFlowSnapshot, FlowSnapshotError } from './flowSnapshot.js';
export { MAX_INSPECT_REPLY_BYTES } from './inspectionOnDemand.js';
export { AsteriskLease, type LeaseRecord, readLease } from './lease.js';
export { type ClusterStatus, type NodeRecord, readClusterStatus } from './membership.js';
export {
  type CallEventKind,
  callEventFilter,
  callEventSubject,
  decodeToken,
  encodeToken,
} from './subjects.js';
