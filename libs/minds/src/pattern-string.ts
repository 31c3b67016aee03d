/**
 * A string matching a simple regular expression: literals, `.`, `\d \w \s`,
 * character classes (ranges, negation), groups with `|` (the first
 * alternative is tried first), and the quantifiers `? * + {n} {n,} {n,m}`,
 * anchored by `^`/`$` or not. Enough for the patterns schemas put on ids and
 * labels; anything else gives undefined and the caller falls back.
 */
export function patternString(
  pattern: string,
  options: {
    readonly random: () => number;
    readonly minLength?: number;
    readonly maxLength?: number;
  },
): string | undefined {
  let regex: RegExp;
  let ast: Alternation;
  try {
    regex = new RegExp(pattern, 'u');
    ast = new PatternParser(pattern).parse();
  } catch {
    return undefined;
  }
  const min = options.minLength ?? 0;
  const max = options.maxLength ?? Number.POSITIVE_INFINITY;
  // Stretch unbounded and ranged quantifiers until the length bounds are met.
  for (let stretch = 0; stretch <= 64; stretch = stretch === 0 ? 1 : stretch * 2) {
    for (let branch = 0; branch < 4; branch += 1) {
      const text = generate(ast, { stretch, branch, random: options.random });
      const length = [...text].length;
      if (length >= min && length <= max && regex.test(text)) return text;
    }
  }
  return undefined;
}

interface Quantified {
  readonly atom: Atom;
  readonly min: number;
  readonly max: number;
}
type Sequence = readonly Quantified[];
type Alternation = readonly Sequence[];
type Atom =
  | { readonly kind: 'chars'; readonly chars: readonly string[] }
  | { readonly kind: 'group'; readonly alternation: Alternation };

class Unsupported extends Error {}

const DIGITS = [...'0123456789'];
const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'];
const SPACE = [' ', '\t', '\n'];
// Candidates for negated sets and \D \W \S: printable ASCII.
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

class PatternParser {
  private index = 0;
  private readonly chars: string[];

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  parse(): Alternation {
    if (this.peek() === '^') this.index += 1;
    const alternation = this.alternation();
    if (this.index !== this.chars.length) throw new Unsupported('trailing input');
    return alternation;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.index + offset];
  }

  private next(): string {
    const char = this.chars[this.index];
    if (char === undefined) throw new Unsupported('unexpected end');
    this.index += 1;
    return char;
  }

  private alternation(): Alternation {
    const sequences: Sequence[] = [this.sequence()];
    while (this.peek() === '|') {
      this.index += 1;
      sequences.push(this.sequence());
    }
    return sequences;
  }

  private sequence(): Sequence {
    const items: Quantified[] = [];
    for (;;) {
      const char = this.peek();
      if (char === undefined || char === '|' || char === ')') return items;
      // `$` only as the last character of the pattern or of a group.
      if (char === '$') {
        const after = this.peek(1);
        if (after === undefined || after === ')' || after === '|') {
          this.index += 1;
          continue;
        }
        throw new Unsupported('$ inside');
      }
      const atom = this.atom();
      items.push({ atom, ...this.quantifier() });
    }
  }

  private atom(): Atom {
    const char = this.next();
    switch (char) {
      case '(': {
        if (this.peek() === '?') {
          if (this.peek(1) !== ':') throw new Unsupported('lookaround or named group');
          this.index += 2;
        }
        const alternation = this.alternation();
        if (this.next() !== ')') throw new Unsupported('unclosed group');
        return { kind: 'group', alternation };
      }
      case '[':
        return { kind: 'chars', chars: this.characterClass() };
      case '.':
        return { kind: 'chars', chars: ['a', 'b', 'c'] };
      case '\\':
        return { kind: 'chars', chars: this.escape() };
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ')':
      case '^':
        throw new Unsupported(`bare ${char}`);
      default:
        return { kind: 'chars', chars: [char] };
    }
  }

  private escape(): string[] {
    const char = this.next();
    switch (char) {
      case 'd':
        return DIGITS;
      case 'w':
        return WORD;
      case 's':
        return SPACE;
      case 'D':
        return PRINTABLE.filter((c) => !DIGITS.includes(c));
      case 'W':
        return PRINTABLE.filter((c) => !WORD.includes(c));
      case 'S':
        return PRINTABLE.filter((c) => !SPACE.includes(c));
      case 'n':
        return ['\n'];
      case 't':
        return ['\t'];
      case 'u': {
        const hex = [this.next(), this.next(), this.next(), this.next()].join('');
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Unsupported('\\u escape');
        return [String.fromCharCode(Number.parseInt(hex, 16))];
      }
      default:
        if (/[a-zA-Z0-9]/.test(char)) throw new Unsupported(`\\${char}`);
        return [char];
    }
  }

  private characterClass(): string[] {
    const negated = this.peek() === '^';
    if (negated) this.index += 1;
    const members = new Set<string>();
    let first = true;
    for (;;) {
      const char = this.next();
      if (char === ']' && !first) break;
      first = false;
      let start: string[];
      if (char === '\\') start = this.escape();
      else start = [char];
      if (
        start.length === 1 &&
        this.peek() === '-' &&
        this.peek(1) !== ']' &&
        this.peek(1) !== undefined
      ) {
        this.index += 1;
        let endChar = this.next();
        if (endChar === '\\') {
          const escaped = this.escape();
          if (escaped.length !== 1) throw new Unsupported('range to a class');
          endChar = escaped[0]!;
        }
        const from = start[0]!.codePointAt(0)!;
        const to = endChar.codePointAt(0)!;
        if (to < from) throw new Unsupported('reversed range');
        for (let code = from; code <= Math.min(to, from + 255); code += 1) {
          members.add(String.fromCodePoint(code));
        }
      } else {
        for (const member of start) members.add(member);
      }
    }
    const chars = negated ? PRINTABLE.filter((c) => !members.has(c)) : [...members];
    if (chars.length === 0) throw new Unsupported('empty class');
    return chars;
  }

  private quantifier(): { min: number; max: number } {
    const char = this.peek();
    let result: { min: number; max: number };
    if (char === '?') result = { min: 0, max: 1 };
    else if (char === '*') result = { min: 0, max: Number.POSITIVE_INFINITY };
    else if (char === '+') result = { min: 1, max: Number.POSITIVE_INFINITY };
    else if (char === '{') {
      const close = this.chars.indexOf('}', this.index);
      const body = close < 0 ? '' : this.chars.slice(this.index + 1, close).join('');
      const match = /^(\d+)(,(\d*))?$/.exec(body);
      if (match === null) throw new Unsupported('brace quantifier');
      const min = Number(match[1]);
      const max =
        match[2] === undefined
          ? min
          : match[3] === ''
            ? Number.POSITIVE_INFINITY
            : Number(match[3]);
      if (max < min) throw new Unsupported('reversed quantifier');
      this.index = close;
      result = { min, max };
    } else {
      return { min: 1, max: 1 };
    }
    this.index += 1;
    if (this.peek() === '?') this.index += 1; // lazy: same strings
    return result;
  }
}

interface GenerateOptions {
  readonly stretch: number;
  /** Which alternative of each alternation to take (modulo its length). */
  readonly branch: number;
  readonly random: () => number;
}

function generate(alternation: Alternation, options: GenerateOptions): string {
  const sequence = alternation[options.branch % alternation.length] ?? [];
  let text = '';
  for (const { atom, min, max } of sequence) {
    const count = Math.min(max, min + (max > min ? options.stretch : 0));
    for (let i = 0; i < count; i += 1) {
      text +=
        atom.kind === 'chars'
          ? (atom.chars[Math.floor(options.random() * atom.chars.length)] ?? '')
          : generate(atom.alternation, options);
    }
  }
  return text;
}
