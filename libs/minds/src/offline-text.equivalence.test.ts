// The offline mind's reading of kernel messages (offline-text.ts) reads line
// offsets in one pass; it must give exactly what the plain reading it
// replaced gives (split into lines and paragraphs, joined back), or the
// offline mind's answers, and OFFLINE_MODEL with them, would change. The
// plain reading is kept here as the reference, and both read generated
// messages: kernel-shaped ones and ones made of awkward pieces (CRLF, lone
// CR, blank lines of white space, repeated headers, Unicode spaces).
import type { ChatMessage } from './mind';
import { kernelFacts, messageSections, type KernelFacts } from './offline-text';
import { seededRandom } from './seeded-random';

const HEADER = /^([A-Z][A-Za-z0-9_ -]{0,80}?)(?: \(([^)\n]{1,120})\))?:\s*(.*)$/;

function referenceSections(text: string): Map<string, { label?: string; body: string }> {
  const sections = new Map<string, { label?: string; body: string }>();
  let current: { name: string; label?: string; lines: string[] } | undefined;
  let previousBlank = true;
  const close = (): void => {
    if (current !== undefined && !sections.has(current.name)) {
      sections.set(current.name, {
        ...(current.label === undefined ? {} : { label: current.label }),
        body: current.lines.join('\n').trim(),
      });
    }
  };
  for (const line of text.split(/\r?\n/)) {
    const header: RegExpExecArray | null = previousBlank ? HEADER.exec(line) : null;
    if (header !== null) {
      close();
      const [, name, label, inline] = header;
      current = {
        name: name!.trim(),
        ...(label === undefined ? {} : { label }),
        lines: inline ? [inline] : [],
      };
    } else if (current !== undefined) {
      current.lines.push(line);
    }
    previousBlank = line.trim() === '' || (header !== null && (header[3] ?? '') !== '');
  }
  close();
  return sections;
}

/** The kernel facts as the plain reading gave them (the rest of offline-text.ts as it was). */
function referenceFacts(messages: readonly ChatMessage[]): KernelFacts {
  const user = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const paragraphs = user.trim().split(/\r?\n\s*\r?\n/);
  const last = paragraphs.at(-1) ?? '';
  const endsWithInstruction =
    paragraphs.length > 1 && !last.includes('\n') && HEADER.exec(last) === null;
  const sections = referenceSections(
    endsWithInstruction ? paragraphs.slice(0, -1).join('\n\n') : user,
  );
  const find = (prefix: string): { label?: string; body: string } | undefined => {
    for (const [name, section] of sections) if (name.startsWith(prefix)) return section;
    return undefined;
  };
  const agentLine = firstLine((find('Focus agent') ?? find('Acting agent'))?.body ?? '');
  const { name, rest } = splitAgentLine(agentLine);
  const environment = find('Environment');
  const others = find('Other entities')?.body ?? '';
  const lines = user.trim().split(/\r?\n/);
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
    instruction: lines.at(-1)?.trim() ?? '',
  };
}

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

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.trim() ?? '';
}

const PIECES = [
  'Focus agent:',
  'Acting agent:',
  'Intent:',
  'Perception:',
  'World turn: 3',
  'World snapshot:',
  'Environment (kitchen):',
  'Environment (hall_2):',
  'Other entities in kitchen:',
  'Simulation time: 2026-01-01T00:00:00+00:00',
  'ant: a small ant, hungry',
  'spider (resting): in the corner',
  '- crumb (id: c1, prop): a crumb',
  '  goal: eat',
  'Decide the outcome for exactly one turn.',
  "Write the agent's immediate perception.",
  'A tiled floor.',
  'Lower case: not a header',
  'Name (unclosed: x',
  '',
  ' ',
  '\t',
  '\u00a0',
  '\u2003 ',
  '\u3000',
  'x\ry',
  '\r',
  'end.\u2028more',
];
const SEPARATORS = [
  '\n',
  '\n',
  '\n',
  '\n\n',
  '\r\n',
  '\n \n',
  '\r\n\r\n',
  '\n\t\n\n',
  '\n\u00a0\n',
];

function generated(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const count = 1 + Math.floor(random() * 14);
  let text = random() < 0.2 ? pick([' ', '\n', '\u3000', '\r\n']) : '';
  for (let i = 0; i < count; i++) text += (i === 0 ? '' : pick(SEPARATORS)) + pick(PIECES);
  if (random() < 0.2) text += pick([' ', '\n', '\r\n', '\n\n']);
  return text;
}

function kernelShaped(random: () => number): string {
  const rooms = 1 + Math.floor(random() * 4);
  const snapshot = Array.from(
    { length: rooms },
    (_, r) =>
      `Environment (room${r}):\nRoom ${r}.\nEntities in room${r}:\n- Agent ${r} (id: a${r}, agent): Idle.\n  goal: Keep busy.`,
  ).join('\n\n');
  return random() < 0.5
    ? `World snapshot:\n${snapshot}\n\nActing agent:\nAgent 0: Idle.\nid: a0\nkind: agent\ngoal: Keep busy.\nmemory:\n  (none)\n\nIntent:\nAgent 0 decides to approach Agent 1 carefully.\n\nDecide the outcome for exactly one turn.`
    : `Simulation time: 2026-01-01T00:00:00+00:00\nWorld turn: ${Math.floor(random() * 9)}\nEnvironment (room0):\nRoom 0.\n\nFocus agent:\nAgent 0: Idle.\nid: a0\n\nOther entities in room0:\n${random() < 0.3 ? '(none)' : 'Agent 1: Idle.'}\n\nWrite the agent's immediate perception.`;
}

describe("the offline mind's one-pass reading of a message", () => {
  const random = seededRandom('offline-text equivalence');
  const texts = [
    ...Array.from({ length: 4000 }, () => generated(random)),
    ...Array.from({ length: 200 }, () => kernelShaped(random)),
    '',
    '\n',
    'Intent:',
    'Intent:\n',
    'a\r\n\r\nb',
    'Focus agent:\r\nant: hungry\r\n\r\nDo it.',
  ];

  it('finds the same sections as splitting into lines', () => {
    for (const text of texts) {
      expect({ text, sections: [...messageSections(text)] }).toEqual({
        text,
        sections: [...referenceSections(text)],
      });
    }
  });

  it('gives the same kernel facts as splitting into lines and paragraphs', () => {
    for (const text of texts) {
      const messages: ChatMessage[] = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: text },
      ];
      expect({ text, facts: kernelFacts(messages) }).toEqual({
        text,
        facts: referenceFacts(messages),
      });
    }
  });

  it('tells the paragraphs apart as splitting does when breaks are not plain', () => {
    // Breaks of white space and CRLF are joined back as "\n\n", as split and join do.
    const facts = kernelFacts([
      { role: 'user', content: 'Intent:\nGo.\n \nMore of it.\r\n\r\nDecide.' },
    ]);
    expect(facts.intent).toBe('Go.\n\nMore of it.');
    expect(facts.instruction).toBe('Decide.');
  });
});
