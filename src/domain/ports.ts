/** What the domain needs from the outside world, injected so tests control it. */

export type Clock = () => Date;

/** The eSIM side: where Matching IDs and ICCIDs come from. */
export interface EsimProvider {
  newMatchingId(): string;
  newIccid(): string;
}
