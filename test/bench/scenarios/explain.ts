import type { Client } from 'pg';
import type { CapturedQuery } from './captured-query';

/** What a saved plan says, enough to see which way a regression went. */
export interface PlanSummary {
  /** Root node, e.g. "Limit" or "HashAggregate". */
  top_node: string;
  execution_ms: number;
  planning_ms: number;
  shared_hit_blocks: number;
  shared_read_blocks: number;
  /** Every node, indented by depth: type, relation and index, actual rows x loops, time. */
  outline: string[];
}

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface ExplainOutput {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

/** EXPLAIN (ANALYZE, BUFFERS) of one query with its parameters, summarised. */
export async function explainQuery(pg: Client, query: CapturedQuery): Promise<PlanSummary> {
  const result = await pg.query<{ 'QUERY PLAN': ExplainOutput[] }>(
    `explain (analyze, buffers, format json) ${query.sql}`,
    [...query.bindings],
  );
  const output = result.rows[0]?.['QUERY PLAN'][0];
  if (output === undefined) throw new Error('EXPLAIN returned no plan');
  const outline: string[] = [];
  const walk = (node: PlanNode, depth: number): void => {
    const parts = [
      node['Subplan Name'] ?? '',
      node['Node Type'],
      node['Relation Name'] === undefined ? '' : `on ${node['Relation Name']}`,
      node['Index Name'] === undefined ? '' : `using ${node['Index Name']}`,
      `rows=${node['Actual Rows'] ?? '?'}x${node['Actual Loops'] ?? '?'}`,
      `${(node['Actual Total Time'] ?? 0).toFixed(3)}ms`,
    ];
    outline.push('  '.repeat(depth) + parts.filter((part) => part !== '').join(' '));
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(output.Plan, 0);
  return {
    top_node: output.Plan['Node Type'],
    execution_ms: output['Execution Time'],
    planning_ms: output['Planning Time'],
    shared_hit_blocks: output.Plan['Shared Hit Blocks'] ?? 0,
    shared_read_blocks: output.Plan['Shared Read Blocks'] ?? 0,
    outline,
  };
}
