import type {
  CreateRoleReply,
  CreateRoleRequest,
  ListRolesReply,
  ListRolesRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { roleExists } from '../domain/governance-errors';
import { roleRecord } from '../flows/records';
import type { GovernanceDeps } from './deps';
import { cutPage, DEFAULT_PAGE_LIMIT, nameCursor } from './page';

/** create_role: a new role, status active unless given; a taken name is `conflict`/`role_exists`. */
export async function createRole(
  deps: GovernanceDeps,
  request: CreateRoleRequest,
): Promise<CreateRoleReply> {
  const row = {
    role_name: request.role_name,
    current_impl: request.current_impl ?? null,
    status: request.status ?? 'active',
    last_review: null,
    created_at: await deps.records.now(),
  };
  if (!(await deps.records.insertRole(row))) throw roleExists(request.role_name);
  return { role: roleRecord(row) };
}

/** list_roles: roles in name order, paged. */
export async function listRoles(
  deps: GovernanceDeps,
  request: ListRolesRequest,
  ctx: RpcContext,
): Promise<ListRolesReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.records.roles({ after: nameCursor(request.cursor), limit: limit + 1 });
  const page = cutPage(rows, {
    limit,
    replyBudgetBytes: ctx.replyBudgetBytes,
    frame: { roles: [] },
    wire: roleRecord,
    position: (row) => row.role_name,
  });
  return {
    roles: page.items,
    ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
  };
}
