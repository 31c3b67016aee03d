import { randomUUID } from 'node:crypto';
import type {
  CreateDirectiveReply,
  CreateDirectiveRequest,
  GetDirectiveReply,
  GetDirectiveRequest,
  GetDirectiveSchemaReply,
  ListDirectivesReply,
  ListDirectivesRequest,
} from '@crucible/contracts';
import { bundleSchema, type Catalog } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { recordNotFound, statusNotAllowedAtCreation } from '../domain/governance-errors';
import { settleProposal } from '../flows/approval';
import { directiveRecord, transitionRecord } from '../flows/records';
import { recordDirectiveHistory } from '../flows/status-changes';
import type { DirectiveRow } from '../store/rows';
import { actorOf, type GovernanceDeps } from './deps';
import { cutPage, DEFAULT_PAGE_LIMIT, pairCursor } from './page';

/** How many status changes get_directive shows (its schema's maxItems). */
const HISTORY_SHOWN = 64;

/**
 * create_directive: the status is required and only draft or proposed are
 * accepted (approval happens through policy, never by assertion); a
 * proposal is settled at once, as propose_directive would.
 */
export async function createDirective(
  deps: GovernanceDeps,
  request: CreateDirectiveRequest,
  ctx: RpcContext,
): Promise<CreateDirectiveReply> {
  const status = request.status;
  if (status !== 'draft' && status !== 'proposed') throw statusNotAllowedAtCreation(status);
  return deps.directives.transaction(async (trx) => {
    const at = await deps.directives.now(trx);
    const row: DirectiveRow = {
      id: randomUUID(),
      issued_by: request.issued_by,
      objective: request.objective,
      scope: request.scope,
      role: request.role,
      type: request.type,
      status,
      constraints: request.constraints ?? null,
      success_metrics: request.success_metrics ?? null,
      budget: request.budget ?? null,
      timebox: request.timebox ?? null,
      payload: request.payload ?? {},
      created_at: at,
      updated_at: at,
    };
    await deps.directives.insert(row, trx);
    await recordDirectiveHistory(
      deps,
      {
        directive_id: row.id,
        from_status: null,
        to_status: status,
        actor: actorOf(request, ctx),
        reason: null,
        decision_hash: null,
        changed_at: at,
      },
      ctx,
      trx,
    );
    if (status === 'draft') return { directive: directiveRecord(row), approval: null };
    const settled = await settleProposal(deps, row, ctx, trx);
    return { directive: directiveRecord(settled.directive), approval: settled.approval };
  });
}

/** get_directive: the directive and its latest status changes, newest first. */
export async function getDirective(
  deps: GovernanceDeps,
  request: GetDirectiveRequest,
): Promise<GetDirectiveReply> {
  const row = await deps.directives.get(request.id);
  if (row === undefined) throw recordNotFound('directive', request.id, '/id');
  const history = await deps.directives.history(request.id, HISTORY_SHOWN);
  return { directive: directiveRecord(row), history: history.map(transitionRecord) };
}

/** list_directives: newest first, by status, scope or role, paged. */
export async function listDirectives(
  deps: GovernanceDeps,
  request: ListDirectivesRequest,
  ctx: RpcContext,
): Promise<ListDirectivesReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const before = pairCursor(request.cursor);
  const rows = await deps.directives.list({
    status: request.status,
    scope: request.scope,
    role: request.role,
    before: before === undefined ? undefined : { created_at: new Date(before[0]), id: before[1] },
    limit: limit + 1,
  });
  const page = cutPage(rows, {
    limit,
    replyBudgetBytes: ctx.replyBudgetBytes,
    frame: { directives: [] },
    wire: directiveRecord,
    position: (row) => [row.created_at.toISOString(), row.id],
  });
  return {
    directives: page.items,
    ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
  };
}

/** get_directive_schema: the directive's JSON Schema, self-contained. */
export function getDirectiveSchema(catalog: Catalog): GetDirectiveSchemaReply {
  return { schema: bundleSchema(catalog.registry, 'governance/directive.v1.json') };
}
