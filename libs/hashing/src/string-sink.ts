import { escapeJsonStringContent } from './json-string-escape';
import type { JsonSink } from './json-sink';

/**
 * Canonical JSON as a JavaScript string. Appends build a rope that V8
 * flattens once, when the result is first read.
 */
export class StringSink implements JsonSink {
  private out = '';

  text(): string {
    return this.out;
  }

  punctuation(code: number): void {
    this.out += String.fromCharCode(code);
  }

  ascii(s: string): void {
    this.out += s;
  }

  jsonString(s: string): boolean {
    const content = escapeJsonStringContent(s);
    if (content === undefined) return false;
    this.out += '"' + content + '"';
    return true;
  }

  memberKey(key: string, first: boolean): boolean {
    const content = escapeJsonStringContent(key);
    if (content === undefined) return false;
    // One piece per key: fewer rope nodes to flatten later.
    this.out += (first ? '"' : ',"') + content + '":';
    return true;
  }
}
