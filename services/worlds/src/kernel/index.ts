// Public entry of the turn kernel: pure functions from a world state and a
// mind's answers to the next state (docs/services/worlds-kernel.md). No I/O
// of its own, no clock, no randomness: the service around it stores,
// records and replays.
export {
  DEFAULT_SIMULATION_START,
  WorldSeedError,
  agentOf,
  isWorldSeedError,
  normalizeEntity,
  seedWorld,
  sortedKeys,
  type AgentSpec,
  type CognitionProfile,
  type SeedWorldInput,
  type WorldEntity,
  type WorldState,
} from './world-state';
export {
  WorldAssemblyError,
  assembleWorld,
  isWorldAssemblyError,
  stateHashOf,
  worldPieces,
  type AssembleWorldInput,
  type PieceKind,
  type PieceRef,
  type WorldHeader,
  type WorldPiece,
  type WorldPieces,
} from './world-pieces';
export { runTurn } from './run-turn';
export { callHash } from './call-hash';
export { kernelOverheadProbe, type KernelOverhead } from './overhead-probe';
export { compileKernelOptions, type Engine, type KernelOptions } from './turn-context';
export { AdjudicationValidators, type SchemaChecker } from './adjudication-validators';
export type { Adjudication, EntityMutation, EnvironmentMutation } from './adjudication';
export { ADJUDICATION_FORMAT_NAME } from './agent-steps';
export {
  adjudicateMessage,
  correctiveMessage,
  intendMessage,
  perceiveMessage,
} from './kernel-messages';
export {
  indexByEnvironment,
  renderEntity,
  renderNearbyEntity,
  renderSnapshotEntity,
  renderWorld,
  WorldRenderer,
  type EnvironmentIndex,
} from './render';
export {
  advanceSimulationTime,
  formatSimulationTime,
  parseSimulationTime,
} from './simulation-time';
export type {
  AuditEvent,
  EntityTransition,
  EnvironmentTransition,
  IntentAdjudicated,
  IntentFormed,
  PerceptionEmitted,
  TurnFailure,
  TurnFailureCode,
  TurnOutcome,
  TurnPhase,
} from './turn-outcome';
