// What the load generator sends: environment texts through put_environment
// and reads by hash through get_environment, the same paths for our gateway
// and the bare pipeline.

/** put_environment's route (POST) and get_environment's (GET .../{hash}). */
export const ENVIRONMENTS_PATH = '/v1/components/environments';

const SENTENCES = [
  'A narrow room with scuffed walls and a humming vending machine behind glass.',
  'The coin slot is taped over; a note reads “out of order — don’t bother”.',
  'Water drips from a fountain that nobody has cleaned in weeks.',
  'A cot is folded against the far wall, its canvas torn at one corner.',
  'The door is locked from the outside; a small window shows a dim corridor.',
  'Snack bottles lean in their coils, one of them stuck halfway down.',
];

/** A deterministic environment description of about `bytes` UTF-8 bytes (prose, curly quotes, dashes). */
export function environmentText(bytes: number): string {
  let text = '';
  for (let i = 0; Buffer.byteLength(text, 'utf8') < bytes; i++) {
    text += (i === 0 ? '' : i % 4 === 0 ? '\n' : ' ') + SENTENCES[i % SENTENCES.length]!;
  }
  return text;
}

/** The `n`th distinct content of a series: `base` plus a line naming the series and n. */
export function distinctEnvironment(base: string, series: string, n: number): string {
  return `${base}\n[${series} #${n}]`;
}
