/** A curl command as a request: what it would send. */
export interface CurlRequest {
  readonly method: string;
  /** The URL as written, e.g. `localhost:8080/v1/names?prefix=a`. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** One documented step: a curl command and the reply shown after it. */
export interface DocumentedStep {
  readonly request: CurlRequest;
  readonly reply: unknown;
}

/**
 * The documented steps of a markdown text, or of its section under `heading`:
 * every ```sh block holds one curl command, and the ```json block right after
 * it the reply (other blocks are skipped). Throws on anything else, so a change
 * to the text that this cannot read fails loudly.
 */
export function documentedSteps(markdown: string, heading?: string): DocumentedStep[] {
  let section = markdown;
  if (heading !== undefined) {
    const text = `\n${markdown}`;
    const start = text.indexOf(`\n${heading}\n`);
    if (start < 0) throw new Error(`no section ${heading}`);
    const next = text.indexOf('\n## ', start + heading.length + 1);
    section = text.slice(start, next < 0 ? undefined : next);
  }
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
    .map((m) => ({ language: m[1], text: m[2] ?? '' }))
    .filter((block) => block.language === 'sh' || block.language === 'json');
  const steps: DocumentedStep[] = [];
  for (let i = 0; i < blocks.length; i += 2) {
    const command = blocks[i];
    const reply = blocks[i + 1];
    if (command?.language !== 'sh' || reply?.language !== 'json') {
      throw new Error(`expected a sh block, then its json reply, at block ${i}`);
    }
    steps.push({ request: parseCurl(command.text), reply: JSON.parse(reply.text) });
  }
  return steps;
}

/** The request of one `curl` command line (POSIX shell quoting; -s, -X, -H, -d). */
export function parseCurl(command: string): CurlRequest {
  const words = shellWords(command);
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${command}`);
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const value = (): string => {
      const next = words[++i];
      if (next === undefined) throw new Error(`${word} needs a value: ${command}`);
      return next;
    };
    if (word === '-s' || word === '--silent') continue;
    if (word === '-X' || word === '--request') method = value();
    else if (word === '-H' || word === '--header') {
      const header = value();
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') body = value();
    else if (word.startsWith('-')) throw new Error(`curl option ${word} is not understood here`);
    else if (url === undefined) url = word;
    else throw new Error(`two URLs in: ${command}`);
  }
  if (url === undefined) throw new Error(`no URL in: ${command}`);
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, headers, body };
}

/** Splits a command as a POSIX shell would: quotes, backslashes, line continuations, comments. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '\\' && command[i + 1] === '\n') {
      i++;
    } else if (c === '\\') {
      word = (word ?? '') + (command[++i] ?? '');
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${command}`);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < command.length && command[i] !== '"'; i++) {
        if (command[i] === '\\' && '"\\$`'.includes(command[i + 1] ?? '')) i++;
        text += command[i];
      }
      if (i >= command.length) throw new Error(`unclosed " in: ${command}`);
      word = (word ?? '') + text;
    } else if (c === '#' && word === undefined) {
      const end = command.indexOf('\n', i);
      i = end < 0 ? command.length : end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ('|&;<>()$`'.includes(c)) {
      throw new Error(`shell syntax ${c} is not understood here: ${command}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
