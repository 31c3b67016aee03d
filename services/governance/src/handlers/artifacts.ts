import { randomUUID } from 'node:crypto';
import type {
  GetArtifactReply,
  GetArtifactRequest,
  PutArtifactReply,
  PutArtifactRequest,
} from '@crucible/contracts';
import { recordNotFound } from '../domain/governance-errors';
import { artifactRecord } from '../flows/records';
import type { GovernanceDeps } from './deps';

/** put_artifact: records a reference to an artifact stored elsewhere. */
export async function putArtifact(
  deps: GovernanceDeps,
  request: PutArtifactRequest,
): Promise<PutArtifactReply> {
  const row = {
    id: randomUUID(),
    type: request.type,
    uri: request.uri,
    created_at: await deps.records.now(),
  };
  await deps.records.insertArtifact(row);
  return { artifact: artifactRecord(row) };
}

/** get_artifact: an artifact reference by id. */
export async function getArtifact(
  deps: GovernanceDeps,
  request: GetArtifactRequest,
): Promise<GetArtifactReply> {
  const row = await deps.records.artifact(request.id);
  if (row === undefined) throw recordNotFound('artifact', request.id, '/id');
  return { artifact: artifactRecord(row) };
}
