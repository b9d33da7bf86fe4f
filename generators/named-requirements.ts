// The only requirement IDs the generators name. None of them claims a constraint address, so the catalogue
// cannot hand them out by address; every other ID comes from `catalogue(spec).claiming(address)`.
// `checkNamedRequirements` runs whenever generators are created and fails if the catalogue lost one.
import type { Catalogue, RequirementId, Spec } from '../spec/index.ts';

/** Acceptance: what a valid case proves. */
export const ACCEPTANCE = {
  valid: 'OK-ACCEPT-VALID',
  modelBounds: 'OK-MODEL-BOUNDS',
  lengthInCodePoints: 'OK-LENGTH-CODEPOINTS',
  patternValues: { pattern: 'OK-MOBILE-E164', 'x-documented-pattern': 'OK-SECONDARYEMAIL-VALID' },
  freeText: 'OK-EMAIL-ANY',
} as const satisfies Record<string, RequirementId | Record<string, RequirementId>>;

/**
 * What a case observes without judging it (the OBS- requirements below). The readings that disagree
 * (OBS-MOBILE-READINGS, OBS-SECONDARYEMAIL-READINGS) are not here: the catalogue hands them out by the constraint
 * they record (`recordingAmbiguity(address)`).
 */
export const OBSERVED = {
  omittedMembers: 'OBS-OMITTED-NAMES',
  contentType: 'OBS-CONTENT-TYPE',
  bodySize: 'OBS-BODY-SIZE',
  duplicateKeys: 'OBS-DUPLICATE-KEYS',
  nullMember: 'OBS-NULL-MEMBER',
  unknownMember: 'OBS-UNKNOWN-MEMBER',
} as const satisfies Record<string, RequirementId>;

/**
 * The named IDs a spec needs: what its members can prove or leave observed. The acceptance of a text member's bounds
 * and forms needs its IDs only where the spec has such a member (UpdateUserPhoneConfig has none); a pattern's values
 * prove the requirement that `accepts` the pattern, else the named one.
 */
function namedIds(cat: Catalogue, spec: Spec): string[] {
  const text = spec.members.filter((m) => m.type === 'string' && !m.enum);
  const bounded = text.some((m) => m.maxLength !== undefined);
  const free = text.some(
    (m) => m.pattern === undefined && !m.readings.length && !m.normalization && !m.minLength && m.maxLength === undefined,
  );
  const patterned = text
    .filter((m) => m.readingsKeyword && !cat.accepting(`${spec.effectMember}.${m.name}.${m.readingsKeyword}`).length)
    .map((m) => ACCEPTANCE.patternValues[m.readingsKeyword!]);
  const omission = Object.values(spec.typeRules).some((r) => r.omissionObserved.length > 0);
  const { omittedMembers, ...observed } = OBSERVED;
  return [
    ACCEPTANCE.valid,
    ...(bounded ? [ACCEPTANCE.modelBounds, ACCEPTANCE.lengthInCodePoints] : []),
    ...(free ? [ACCEPTANCE.freeText] : []),
    ...patterned,
    ...Object.values(observed),
    ...(omission ? [omittedMembers] : []),
  ];
}

/** Throws unless every named ID the spec needs is in the catalogue and none of them is an input requirement; the
 * observed ones must be OBSERVE, since their cases expect anything but a 5xx. */
export function checkNamedRequirements(cat: Catalogue, spec: Spec): void {
  const observed: string[] = Object.values(OBSERVED);
  for (const id of namedIds(cat, spec)) {
    const r = cat.all.find((x) => x.id === id);
    if (!r) throw new Error(`generators name the requirement ${id}, which the catalogue does not have`);
    if (r.outcome) throw new Error(`generators name ${id} as a non-input requirement, but the catalogue gives it an outcome`);
    if (observed.includes(id) && r.level !== 'OBSERVE')
      throw new Error(`generators name ${id} as observed, but the catalogue gives it the level ${r.level}`);
  }
}
