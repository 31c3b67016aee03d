import type { OperationName } from '@crucible/contracts';
import type { OperationHandler, RpcServer } from '@crucible/messaging';
import { RECORD_KINDS, RECORD_SPECS, operationsOf } from '../domain/record-kinds';
import type { EvaluationDeps } from './deps';
import { createRecord, getRecord, listRecords, updateRecord } from './records';
import {
  createExperiment,
  getExperiment,
  listExperiments,
  validateExperiment,
} from './experiments';
import {
  getModel,
  listModels,
  listModelVersions,
  modelAliasHistory,
  registerModel,
  registerModelVersion,
  setModelAlias,
} from './models';
import { modelVersionStageHistory, setModelVersionStage } from './model-stages';
import { lookupResults, putResult } from './results';
import { getDeployment, listDeployments, reportDeployment, resolveDeployment } from './deployments';
import { getFeedbackSummary, ingestFeedbackBatch, listFeedback } from './feedback';
import { getTrainingRun, listTrainingRuns, reportTrainingRun } from './training-runs';
import { compareRuns } from './compare-runs';
import {
  bindNameGate,
  checkNameGate,
  getGateRun,
  getNameGate,
  startGateRun,
  unbindNameGate,
} from './name-gates';
import { cancelRun, getRunProgress, listRunResults, startRun } from './runs';
import { getWorldModel, worldModelHistory } from './world-models';

/**
 * Binds every operation of the evaluation service. The CRUD operations of
 * the record kinds come from one table (domain/record-kinds.ts); their
 * requests and replies are checked against each operation's schema by the
 * RPC server on the way in and out, so the generic handlers see them as
 * plain objects.
 */
export function registerHandlers(server: RpcServer, deps: EvaluationDeps): void {
  const bind = (
    name: string,
    handler: (
      request: Record<string, unknown>,
      ctx: Parameters<OperationHandler<OperationName>>[1],
    ) => Promise<unknown>,
  ): void => {
    server.handle(name as OperationName, handler as unknown as OperationHandler<OperationName>);
  };
  for (const kind of RECORD_KINDS) {
    const spec = RECORD_SPECS[kind];
    const ops = operationsOf(spec);
    bind(ops.create, (r, ctx) => createRecord(deps, spec, r, ctx));
    bind(ops.update, (r, ctx) => updateRecord(deps, spec, r, ctx));
    bind(ops.list, (r, ctx) => listRecords(deps, spec, r, ctx));
    if (kind !== 'world_model') bind(ops.get, (r) => getRecord(deps, spec, r));
  }
  server
    .handle('get_world_model', (r) => getWorldModel(deps, r))
    .handle('world_model_history', (r, ctx) => worldModelHistory(deps, r, ctx))
    .handle('validate_experiment', (r) => validateExperiment(r))
    .handle('create_experiment', (r, ctx) => createExperiment(deps, r, ctx))
    .handle('get_experiment', (r) => getExperiment(deps, r))
    .handle('list_experiments', (r, ctx) => listExperiments(deps, r, ctx))
    .handle('register_model', (r, ctx) => registerModel(deps, r, ctx))
    .handle('get_model', (r) => getModel(deps, r))
    .handle('list_models', (r, ctx) => listModels(deps, r, ctx))
    .handle('register_model_version', (r, ctx) => registerModelVersion(deps, r, ctx))
    .handle('set_model_version_stage', (r, ctx) => setModelVersionStage(deps, r, ctx))
    .handle('model_version_stage_history', (r, ctx) => modelVersionStageHistory(deps, r, ctx))
    .handle('list_model_versions', (r, ctx) => listModelVersions(deps, r, ctx))
    .handle('set_model_alias', (r, ctx) => setModelAlias(deps, r, ctx))
    .handle('model_alias_history', (r, ctx) => modelAliasHistory(deps, r, ctx))
    .handle('put_result', (r, ctx) => putResult(deps, r, ctx))
    .handle('lookup_results', (r, ctx) => lookupResults(deps, r, ctx))
    .handle('start_run', (r, ctx) => startRun(deps, r, ctx))
    .handle('cancel_run', (r, ctx) => cancelRun(deps, r, ctx) as never)
    .handle('get_run_progress', (r, ctx) => getRunProgress(deps, r, ctx))
    .handle('list_run_results', (r, ctx) => listRunResults(deps, r, ctx))
    .handle('compare_runs', (r) => compareRuns(deps, r))
    .handle('bind_name_gate', (r, ctx) => bindNameGate(deps, r, ctx))
    .handle('unbind_name_gate', (r, ctx) => unbindNameGate(deps, r, ctx))
    .handle('get_name_gate', (r) => getNameGate(deps, r))
    .handle('start_gate_run', (r, ctx) => startGateRun(deps, r, ctx))
    .handle('get_gate_run', (r) => getGateRun(deps, r))
    .handle('check_name_gate', (r) => checkNameGate(deps, r))
    .handle('report_training_run', (r) => reportTrainingRun(deps, r))
    .handle('get_training_run', (r) => getTrainingRun(deps, r))
    .handle('list_training_runs', (r, ctx) => listTrainingRuns(deps, r, ctx))
    .handle('report_deployment', (r) => reportDeployment(deps, r))
    .handle('get_deployment', (r) => getDeployment(deps, r))
    .handle('list_deployments', (r, ctx) => listDeployments(deps, r, ctx))
    .handle('resolve_deployment', (r) => resolveDeployment(deps, r))
    .handle('ingest_feedback', (r) => ingestFeedbackBatch(deps, r))
    .handle('get_feedback_summary', (r) => getFeedbackSummary(deps, r))
    .handle('list_feedback', (r, ctx) => listFeedback(deps, r, ctx));
}
