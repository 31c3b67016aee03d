import type { ChatMessage } from './mind';
import { pick } from './seeded-random';
import { isWhiteSpace } from './white-space';

/**
 * What the offline mind reads from the kernel's user message: "Header:"
 * lines opening blocks ("Environment (kitchen):", "Focus agent:",
 * "Intent:"...), each running to the next header after a blank line.
 */
export interface KernelFacts {
  /** The focus or acting agent's name (the start of its first line). */
  readonly agent: string;
  /** The rest of the agent's first line: its state, as rendered. */
  readonly agentState: string;
  readonly environmentLabel: string | undefined;
  readonly environment: string | undefined;
  /** Names of the other entities listed with the agent. */
  readonly others: readonly string[];
  readonly perception: string | undefined;
  readonly intent: string | undefined;
  readonly turn: string | undefined;
  /** The message's last line (the kernel's instruction). */
  readonly instruction: string;
}

// The name may hold a label ("Other entities in kitchen_plate"): labels
// have digits, '_' and '-' (schemas/common/defs.v1.json).
const HEADER = /^([A-Z][A-Za-z0-9_ -]{0,80}?)(?: \(([^)\n]{1,120})\))?:\s*(.*)$/;

/**
 * The blocks of a message by header, in order; a header seen twice keeps the
 * first. A body is its lines (split at `\r?\n`) joined by `\n` and
 * trimmed. Read in one pass over line offsets, not split into line strings:
 * an adjudicate request holds the whole world (at 100 agents, kernelFacts
 * took 64 us a request split, 31-37 us so). offline-text.equivalence.test.ts
 * holds the splitting reading this must match.
 */
export function messageSections(text: string): Map<string, { label?: string; body: string }> {
  const sections = new Map<string, { label?: string; body: string }>();
  // The open block: its header, and the offsets of the lines after it.
  let current:
    | { name: string; label?: string; inline: string; from: number; to: number; lines: boolean }
    | undefined;
  const close = (): void => {
    if (current === undefined || sections.has(current.name)) return;
    const rest = current.lines ? joinedLines(text, current.from, current.to) : undefined;
    const body =
      current.inline === ''
        ? (rest ?? '')
        : rest === undefined
          ? current.inline
          : `${current.inline}\n${rest}`;
    sections.set(current.name, {
      ...(current.label === undefined ? {} : { label: current.label }),
      body: body.trim(),
    });
  };
  let previousBlank = true;
  for (let start = 0; ;) {
    const newline = text.indexOf('\n', start);
    const last = newline === -1;
    let end = last ? text.length : newline;
    if (!last && end > start && text.charCodeAt(end - 1) === CR) end -= 1;
    const header: RegExpExecArray | null = previousBlank
      ? HEADER.exec(text.slice(start, end))
      : null;
    if (header !== null) {
      close();
      const [, name, label, inline] = header;
      current = {
        name: name!.trim(),
        ...(label === undefined ? {} : { label }),
        inline: inline ?? '',
        from: 0,
        to: 0,
        lines: false,
      };
    } else if (current !== undefined) {
      if (!current.lines) current.from = start;
      current.to = end;
      current.lines = true;
    }
    // After a one-line field ("World turn: 3") another header may follow at once;
    // after a block header ("Focus agent:") the next line is its body.
    previousBlank = isBlank(text, start, end) || (header !== null && (header[3] ?? '') !== '');
    if (last) break;
    start = newline + 1;
  }
  close();
  return sections;
}

const CR = 0x0d;

/** The lines of text[from, to) joined by `\n` (a `\r\n` between them made `\n`). */
function joinedLines(text: string, from: number, to: number): string {
  const lines = text.slice(from, to);
  const crlf = text.indexOf('\r\n', from);
  return crlf === -1 || crlf >= to ? lines : lines.replace(/\r\n/g, '\n');
}

/** Whether text[from, to) is empty or white space only (what `trim` removes). */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWhiteSpace(text.charCodeAt(i))) return false;
  return true;
}

// Paragraphs are separated by a blank line (white space allowed on it).
const PARAGRAPH_BREAK = /\r?\n\s*\r?\n/g;

/**
 * The last paragraph of `text`, and the paragraphs before it joined by a
 * blank line (undefined when there is one paragraph): sliced from `text`
 * when every break is exactly `\n\n`, split and joined otherwise.
 */
function lastParagraph(text: string): { last: string; before: string | undefined } {
  let at = -1;
  let after = 0;
  let plain = true;
  for (const found of text.matchAll(PARAGRAPH_BREAK)) {
    if (found[0] !== '\n\n') plain = false;
    at = found.index;
    after = found.index + found[0].length;
  }
  if (at === -1) return { last: text, before: undefined };
  const before = plain ? text.slice(0, at) : text.split(PARAGRAPH_BREAK).slice(0, -1).join('\n\n');
  return { last: text.slice(after), before };
}

/** Reads the kernel facts out of the last user message. */
export function kernelFacts(messages: readonly ChatMessage[]): KernelFacts {
  const user = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const trimmed = user.trim();
  // The kernel ends with a one-line instruction after a blank line: not part of the last block.
  const { last, before } = lastParagraph(trimmed);
  const endsWithInstruction =
    before !== undefined && !last.includes('\n') && HEADER.exec(last) === null;
  const sections = messageSections(endsWithInstruction ? before : user);
  const find = (prefix: string): { label?: string; body: string } | undefined => {
    for (const [name, section] of sections) if (name.startsWith(prefix)) return section;
    return undefined;
  };
  const agentLine = firstLine((find('Focus agent') ?? find('Acting agent'))?.body ?? '');
  const { name, rest } = splitAgentLine(agentLine);
  const environment = find('Environment');
  const others = find('Other entities')?.body ?? '';
  return {
    agent: name,
    agentState: rest,
    environmentLabel: environment?.label,
    environment: environment?.body,
    others: others
      .split(/\r?\n/)
      .map((line) => splitName(line.replace(/^[-*]\s*/, '')).name)
      .filter((other) => other !== 'The agent' && !/^\(?none\)?$/i.test(other)),
    perception: find('Perception')?.body,
    intent: find('Intent')?.body,
    turn: find('World turn')?.body,
    // The last line (split at \r?\n: a \r before the last \n is not part of it).
    instruction: trimmed.slice(trimmed.lastIndexOf('\n') + 1).trim(),
  };
}

/**
 * Free text for a perceive or intend request: what the agent notices in its
 * environment, or what it sets out to do about it. Which one, the kernel's
 * instruction says; anything else gets a neutral line about the agent.
 */
export function offlineText(facts: KernelFacts, random: () => number): string {
  const instruction = facts.instruction.toLowerCase();
  if (
    /intent|intend|plan|decide what/.test(instruction) ||
    (facts.perception !== undefined && facts.intent === undefined)
  ) {
    return intention(facts, random);
  }
  if (/percep|perceive|notice|sense/.test(instruction) || facts.environment !== undefined) {
    return perception(facts, random);
  }
  return `${facts.agent} ${pick(['waits', 'pauses', 'takes stock'], random)} and considers the situation.`;
}

function perception(facts: KernelFacts, random: () => number): string {
  const place =
    facts.environmentLabel === undefined ? 'its surroundings' : `the ${facts.environmentLabel}`;
  const scene = firstSentence(facts.environment ?? '');
  const opening = `${facts.agent} ${pick(['takes in', 'looks over', 'senses'], random)} ${place}${
    scene === '' || scene === '(empty)' ? '.' : `: ${scene}`
  }`;
  const nearby =
    facts.others.length === 0
      ? ` ${pick(['Nothing else is in sight.', 'It seems to be alone here.'], random)}`
      : ` ${pick(['Nearby', 'Close by', 'Within reach'], random)}: ${facts.others.join(', ')}.`;
  return `${opening}${nearby}`;
}

function intention(facts: KernelFacts, random: () => number): string {
  const target =
    facts.others[0] ?? mentionedTarget(facts.perception ?? '') ?? 'what it has just noticed';
  return `${facts.agent} ${pick(['decides to', 'intends to', 'resolves to'], random)} ${pick(
    ['approach', 'examine', 'investigate'],
    random,
  )} ${target} ${pick(['carefully', 'without haste', 'at once'], random)}.`;
}

/**
 * Text for the string fields of an adjudication: the agent attempts its
 * intent and nothing else changes (the instance generator leaves the
 * mutation lists empty, so no entity or label is ever made up).
 */
export function adjudicationText(
  facts: KernelFacts,
  random: () => number,
): (field: string | undefined) => string | undefined {
  const attempt = intentClause(facts);
  const turn = facts.turn === undefined ? '' : `Turn ${firstLine(facts.turn)}: `;
  const texts: Record<string, string> = {
    narration: `${facts.agent} tries to ${attempt}. ${pick(
      ['It goes as planned', 'Nothing stands in the way', 'The turn passes without surprise'],
      random,
    )}; nothing else in the world changes.`,
    agent_state_after: facts.agentState === '' ? 'Unchanged.' : facts.agentState,
    agent_memory_append: `${turn}I tried to ${attempt}.`,
  };
  return (field) => (field !== undefined && Object.hasOwn(texts, field) ? texts[field] : undefined);
}

function intentClause(facts: KernelFacts): string {
  let clause = firstSentence(facts.intent ?? '').replace(/[.!?]+$/, '');
  const agent = facts.agent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  clause = clause
    .replace(
      new RegExp(
        `^(?:the\\s+)?(${agent}|I|agent)\\s+(decides|intends|resolves|wants|will|plans)(\\s+to)?\\s+`,
        'i',
      ),
      '',
    )
    .replace(/^(to|will)\s+/i, '');
  if (clause === '') return 'act';
  clause = clause.charAt(0).toLowerCase() + clause.slice(1);
  return clause.length > 200 ? `${clause.slice(0, 200).trimEnd()}…` : clause;
}

/**
 * The focus or acting agent's first line. The kernel writes it as
 * `<name>: <state>` (docs/services/worlds-kernel.md, "Rendering"): split at
 * the first ": " so that a name with a comma or parentheses stays whole and
 * the state read back (and kept by an adjudication) is the state as it was,
 * not the state with part of the name in front, growing every turn.
 */
function splitAgentLine(line: string): { name: string; rest: string } {
  const trimmed = line.trim();
  const at = trimmed.indexOf(': ');
  if (at > 0 && at <= 120) {
    return { name: trimmed.slice(0, at).trim(), rest: trimmed.slice(at + 2).trim() };
  }
  return splitName(line);
}

function splitName(line: string): { name: string; rest: string } {
  const trimmed = line.trim();
  const match = /^([^:(,\n]{1,60}?)\s*(?:[:(,]|\s-\s)\s*(.*)$/.exec(trimmed);
  if (match !== null && match[1]!.trim() !== '') {
    return { name: match[1]!.trim(), rest: match[2]!.replace(/\)\s*$/, '').trim() };
  }
  if (trimmed !== '' && trimmed.length <= 60) return { name: trimmed, rest: '' };
  return { name: 'The agent', rest: trimmed };
}

function mentionedTarget(text: string): string | undefined {
  const listed = /(?:Nearby|Close by|Within reach):\s*([^,.\n]+)/.exec(text);
  return listed?.[1]?.trim();
}

/**
 * The first line of the trimmed text, trimmed: found, not split off from
 * every other line (a CR before the LF goes with the trim).
 */
function firstLine(text: string): string {
  const trimmed = text.trim();
  const end = trimmed.indexOf('\n');
  return (end < 0 ? trimmed : trimmed.slice(0, end)).trim();
}

function firstSentence(text: string): string {
  const line = firstLine(text);
  const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.length > 240 ? `${sentence.slice(0, 240).trimEnd()}…` : sentence;
}
