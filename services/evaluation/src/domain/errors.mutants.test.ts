import type { CrucibleError } from '@crucible/contracts';
import {
  deploymentNotFound,
  deploymentNotServing,
  feedbackDisabled,
  feedbackTypeNotCollected,
  immutableChanged,
  invalidTransition,
  modelVersionIdNotFound,
  trainingRunNotFound,
} from './lifecycle-errors';
import {
  differentProject,
  nothingToUpdate,
  recordNotFound,
  versionMismatch,
} from './record-errors';
import {
  aliasCasFailed,
  MAX_ALIASES_PER_MODEL,
  modelNotFound,
  modelVersionNotFound,
  takenByOther,
  tooManyAliases,
} from './registry-errors';

// Written against the uncovered mutants of the three *-errors.ts files
// (docs/testing.md, "Scores"): the codes, reasons, paths and texts that
// clients read, pinned whole here where the mutation run sees them.

const wire = (e: CrucibleError) => e.toWire();

describe('lifecycle errors', () => {
  it('names a missing training run and deployment', () => {
    expect(wire(trainingRunNotFound('tr-1', '/training_run_id'))).toEqual({
      code: 'not_found',
      message: 'no training run tr-1',
      retryable: false,
      details: { reason: 'training_run_not_found', path: '/training_run_id', id: 'tr-1' },
    });
    expect(wire(deploymentNotFound('dep-2', '/deployment_id'))).toEqual({
      code: 'not_found',
      message: 'no deployment dep-2',
      retryable: false,
      details: { reason: 'deployment_not_found', path: '/deployment_id', id: 'dep-2' },
    });
  });

  it('says which transition was refused', () => {
    expect(wire(invalidTransition('deployment', 'dep-2', 'retired', 'active', '/state'))).toEqual({
      code: 'conflict',
      message: 'deployment dep-2 cannot go from retired to active',
      retryable: false,
      details: {
        reason: 'invalid_transition',
        path: '/state',
        id: 'dep-2',
        from: 'retired',
        to: 'active',
      },
    });
  });

  it('names the immutable field and the state that does not serve', () => {
    expect(wire(immutableChanged('base_model', 'tr-1', '/base_model'))).toEqual({
      code: 'conflict',
      message: 'base_model of tr-1 cannot change once reported',
      retryable: false,
      details: { reason: 'immutable_field_changed', path: '/base_model', id: 'tr-1' },
    });
    expect(wire(deploymentNotServing('dep-2', 'paused', '/deployment_id'))).toEqual({
      code: 'conflict',
      message: 'deployment dep-2 is paused, not serving',
      retryable: false,
      details: {
        reason: 'deployment_not_serving',
        path: '/deployment_id',
        id: 'dep-2',
        state: 'paused',
      },
    });
  });

  it('refuses feedback the deployment does not collect', () => {
    expect(wire(feedbackDisabled('dep-2', '/deployment_id'))).toEqual({
      code: 'conflict',
      message: 'deployment dep-2 does not collect feedback (feedback.enabled is false)',
      retryable: false,
      details: { reason: 'feedback_disabled', path: '/deployment_id', id: 'dep-2' },
    });
    const allowed = ['thumbs', 'rating'];
    const e = feedbackTypeNotCollected('comment', allowed, '/type');
    expect(wire(e)).toEqual({
      code: 'invalid_argument',
      message: 'feedback type comment is not collected here (thumbs, rating)',
      retryable: false,
      details: {
        reason: 'feedback_type_not_collected',
        path: '/type',
        feedback_type: 'comment',
        allowed: ['thumbs', 'rating'],
      },
    });
    // A copy: the error does not alias the caller's list.
    expect(e.details['allowed']).not.toBe(allowed);
  });

  it('names a model version by its id', () => {
    expect(wire(modelVersionIdNotFound('mv-9', '/model_version_id'))).toEqual({
      code: 'not_found',
      message: 'no model version mv-9',
      retryable: false,
      details: { reason: 'model_version_not_found', path: '/model_version_id', version_id: 'mv-9' },
    });
  });
});

describe('record errors', () => {
  it('names the kind with its first underscore as a space', () => {
    expect(wire(recordNotFound('chat_session', 7, '/chat_session_id'))).toEqual({
      code: 'not_found',
      message: 'no chat session 7',
      retryable: false,
      details: { reason: 'chat_session_not_found', path: '/chat_session_id', id: 7 },
    });
    expect(recordNotFound('experiment', 3, '/experiment_id').message).toBe('no experiment 3');
  });

  it('says which project a referenced record is in', () => {
    expect(wire(differentProject('/run_id', 'scenario_suite', 4, 1, 2))).toEqual({
      code: 'invalid_argument',
      message: '/run_id: scenario suite 4 is in project 2, not 1',
      retryable: false,
      details: {
        reason: 'different_project',
        path: '/run_id',
        id: 4,
        expected_project_id: 1,
        project_id: 2,
      },
    });
  });

  it('gives the current version on a mismatch', () => {
    expect(wire(versionMismatch('problem_spec', 5, 2, 3))).toEqual({
      code: 'conflict',
      message: 'problem spec 5 is at version 3, not 2',
      retryable: false,
      details: {
        reason: 'version_mismatch',
        path: '/expected_version',
        id: 5,
        expected: 2,
        current: 3,
      },
    });
  });

  it('refuses an empty update at the root', () => {
    expect(wire(nothingToUpdate('world_model'))).toEqual({
      code: 'invalid_argument',
      message: 'update_world_model names no field to change',
      retryable: false,
      details: { reason: 'nothing_to_update', path: '' },
    });
  });
});

describe('registry errors', () => {
  it('says the key is taken by other content', () => {
    expect(wire(takenByOther('model_version', 'm/1', '/version'))).toEqual({
      code: 'conflict',
      message: 'model version m/1 is already registered with other content',
      retryable: false,
      details: { reason: 'model_version_exists', path: '/version', key: 'm/1' },
    });
  });

  it('names a missing model and version', () => {
    expect(wire(modelNotFound('m', '/model_id'))).toEqual({
      code: 'not_found',
      message: 'no model m',
      retryable: false,
      details: { reason: 'model_not_found', path: '/model_id', id: 'm' },
    });
    expect(wire(modelVersionNotFound('m', '1.2', '/version'))).toEqual({
      code: 'not_found',
      message: 'model m has no version 1.2',
      retryable: false,
      details: {
        reason: 'model_version_not_found',
        path: '/version',
        model_id: 'm',
        version: '1.2',
      },
    });
  });

  it('says unset for an alias pointing nowhere, the version otherwise', () => {
    expect(wire(aliasCasFailed('prod', null, '2'))).toEqual({
      code: 'conflict',
      message: 'prod: expected unset, but it is 2',
      retryable: false,
      details: {
        reason: 'cas_failed',
        path: '/expected_current_version',
        alias: 'prod',
        expected: null,
        current: '2',
      },
    });
    expect(aliasCasFailed('prod', '1', null).message).toBe('prod: expected 1, but it is unset');
  });

  it('gives the alias limit', () => {
    expect(MAX_ALIASES_PER_MODEL).toBe(100);
    expect(wire(tooManyAliases('m'))).toEqual({
      code: 'conflict',
      message: 'model m already has 100 aliases',
      retryable: false,
      details: { reason: 'too_many_aliases', path: '/alias', model_id: 'm', limit: 100 },
    });
  });
});
