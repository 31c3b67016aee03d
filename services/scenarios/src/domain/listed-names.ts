/**
 * Names listed per scenario (list_scenarios, get_scenario): any number of
 * names may point at one scenario, and one summary must fit the bus alone
 * (docs/messaging.md#paged-replies), so at most this many, in name order;
 * list_names with the scenario's hash pages through all of them. The store
 * reads one more, to tell that names were cut.
 */
export const NAMES_LISTED = 1000;

/** The names a reply lists, and `names_truncated` when more point at the scenario. */
export function listedNames(names: readonly string[]): {
  names: string[];
  names_truncated?: true;
} {
  return names.length > NAMES_LISTED
    ? { names: names.slice(0, NAMES_LISTED), names_truncated: true }
    : { names: [...names] };
}
