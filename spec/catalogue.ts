// Requirements as the rest of the code asks for them: by ID, by the constraint they claim, by what applies to
// a run. Reads only the loaded spec.
import type { Requirement, Spec } from './types.ts';
import type { ValidationResult } from './validator.ts';

export interface Catalogue {
  all: Requirement[];
  get(id: string): Requirement;
  /** The input requirement that claims a constraint address. */
  claiming(address: string): Requirement;
  /** The requirement that records disagreements of a constraint's readings. */
  recordingAmbiguity(address: string): Requirement;
  /** The requirement that records the requests of an observed combination (x-observed-combinations). */
  observing(address: string): Requirement;
  /** The acceptance requirements about the accepted values of a constraint (`accepts`); none for most. */
  accepting(address: string): Requirement[];
  /** The requirement IDs a validator verdict names: violated (under every reading) and ambiguous. */
  requirementsOf(verdict: ValidationResult): { violated: string[]; ambiguous: string[] };
  /** Input requirements, those with an outcome. */
  inputs: Requirement[];
}

export function catalogue(spec: Spec): Catalogue {
  const byId = new Map(spec.requirements.map((r) => [r.id, r]));
  const byAddress = new Map<string, Requirement>();
  const byAmbiguity = new Map<string, Requirement>();
  const byObserved = new Map<string, Requirement>();
  const byAccepted = new Map<string, Requirement[]>();
  for (const r of spec.requirements) {
    for (const a of r.constrains) byAddress.set(a, r);
    if (r.ambiguityOf) byAmbiguity.set(r.ambiguityOf, r);
    if (r.observes) byObserved.set(r.observes, r);
    for (const a of r.accepts ?? []) byAccepted.set(a, [...(byAccepted.get(a) ?? []), r]);
  }
  const lookup = (map: Map<string, Requirement>, key: string, what: string) => {
    const r = map.get(key);
    if (!r) throw new Error(`no requirement ${what} ${key}: the spec and the code disagree`);
    return r;
  };
  return {
    all: spec.requirements,
    inputs: spec.requirements.filter((r) => r.outcome),
    get: (id) => lookup(byId, id, 'has the id'),
    claiming: (address) => lookup(byAddress, address, 'claims'),
    recordingAmbiguity: (address) => lookup(byAmbiguity, address, 'records the ambiguity of'),
    observing: (address) => lookup(byObserved, address, 'observes'),
    accepting: (address) => byAccepted.get(address) ?? [],
    requirementsOf(verdict) {
      const violated = [...new Set(verdict.violations.map((f) => lookup(byAddress, f.address, 'claims').id))];
      const ambiguous = [...new Set(verdict.ambiguities.map((f) => lookup(byAmbiguity, f.address, 'records the ambiguity of').id))];
      return { violated, ambiguous };
    },
  };
}
