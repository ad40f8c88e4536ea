/** Objects, keys and clocks live in exactly one environment; the wire calls it `releaseEnvironment`. */
export const ENVIRONMENTS = ['Sandbox', 'Live'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export function environmentFromSegment(segment: 'sandbox' | 'live'): Environment {
  return segment === 'sandbox' ? 'Sandbox' : 'Live';
}
