// Broken variants with the faults hand-written emulators really have (issue 20), each one realistic bug: validators
// stricter than the contract (a regular expression that leaves out digits, apostrophes, spaces, capitals, astral
// characters, a `+` or a second domain label, or a length limit below the bound), a store that normalises a formatted
// Mobile instead of refusing it, and a router that percent-decodes labels and resolves dot segments before it routes.
// The boundary phase catches each of them by construction (generators/classes.ts, the pattern edits and the label
// injections), on every seed: bench/variant-seeds.ts runs them on seeds 1 to 20.
import type { WireRequest } from '../core/wire.ts';
import {
  findingsOf,
  interceptUpdates,
  isAuthentic,
  lengthOf,
  merge,
  notFound,
  ok,
  rejectValid,
  resign,
  sentIdentity,
  userOf,
  type IdentityInfo,
} from './kit.ts';
import { broken, type Variant } from './variant.ts';

const NAMES = ['FirstName', 'LastName'];
const ADDRESSES = ['Email', 'SecondaryEmail'];

/** The string values of some members of an update. */
const valuesOf = (info: IdentityInfo, members: string[]): string[] =>
  members.map((m) => info[m]).filter((v): v is string => typeof v === 'string');

/** A variant that refuses (400 InvalidParameterException) valid updates in which one of `members` matches `refused`. */
function overStrict(v: {
  name: string;
  description: string;
  members: string[];
  refused: (value: string) => boolean | Promise<boolean>;
  message: string;
  identityManagementType?: string;
}): Variant {
  return broken({
    name: v.name,
    description: v.description,
    caughtBy: ['OK-ACCEPT-VALID'],
    suite: 'acceptance',
    ...(v.identityManagementType ? { identityManagementType: v.identityManagementType } : {}),
    wrap: rejectValid(async (info) => {
      for (const value of valuesOf(info, v.members)) if (await v.refused(value)) return true;
      return false;
    }, v.message),
  });
}

const firstNameRejectsDigits = overStrict({
  name: 'first-name-rejects-digits',
  description: 'FirstName is validated with `^[^0-9]*$` ("a name has no digits"): a valid FirstName with a digit is refused.',
  members: ['FirstName'],
  refused: (s) => /[0-9]/.test(s),
  message: 'FirstName must not contain digits.',
});

const namesRejectApostrophe = overStrict({
  name: 'names-reject-apostrophe',
  description: "Names are validated with `^[\\p{L} -]+$`-style rules that leave out the apostrophe: O'Brien is refused.",
  members: NAMES,
  refused: (s) => s.includes("'"),
  message: 'Names may contain letters, spaces and hyphens only.',
});

const namesRejectHyphen = overStrict({
  name: 'names-reject-hyphen',
  description: 'Names are validated with a rule that leaves out the hyphen: Anne-Marie is refused.',
  members: NAMES,
  refused: (s) => s.includes('-'),
  message: 'Names may contain letters and spaces only.',
});

const namesRejectSpaces = overStrict({
  name: 'names-reject-spaces',
  description: 'Names are validated as single words (`^\\S+$`): a name with a space (Mary Ann) is refused.',
  members: NAMES,
  refused: (s) => /\s/u.test(s),
  message: 'Names must be a single word.',
});

const namesRejectEdgeSpaces = overStrict({
  name: 'names-reject-edge-spaces',
  description: 'Names with leading or trailing white space are refused (`value !== value.trim()`), although the model allows them.',
  members: NAMES,
  refused: (s) => s !== s.trim(),
  message: 'Names must not start or end with white space.',
});

const namesLatin1Only = overStrict({
  name: 'names-latin-1-only',
  description: 'Names are stored in a Latin-1 column and anything outside it is refused: Cyrillic, Han, Hebrew, emoji names fail.',
  members: NAMES,
  refused: (s) => [...s].some((c) => c.codePointAt(0)! > 0xff),
  message: 'Names must be Latin-1 text.',
});

const namesRejectAstral = overStrict({
  name: 'names-reject-astral',
  description: 'Names are stored as 3-byte UTF-8 (MySQL utf8mb3): a character outside the BMP (an emoji, a CJK extension) is refused.',
  members: NAMES,
  refused: (s) => [...s].some((c) => c.codePointAt(0)! > 0xffff),
  message: 'Names contain unsupported characters.',
});

const namesRejectCombiningMarks = overStrict({
  name: 'names-reject-combining-marks',
  description:
    'The NFC rule is implemented as "no combining marks" (`/\\p{M}/`): NFC text whose marks have no precomposed form (q̇, ɛ̃) is refused.',
  members: NAMES,
  refused: (s) => /\p{M}/u.test(s),
  message: 'Names must be in Normalization Form C.',
});

const namesRejectRtl = overStrict({
  name: 'names-reject-rtl',
  description: 'A spoofing filter refuses right-to-left letters (Hebrew, Arabic) in names.',
  members: NAMES,
  refused: (s) => /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u.test(s),
  message: 'Names must not contain right-to-left text.',
});

const addressesRejectPlus = overStrict({
  name: 'addresses-reject-plus',
  description: 'Addresses are validated with `^[A-Za-z0-9._-]+@`, which leaves out `+`: plus addressing (ada+work@…) is refused.',
  members: ADDRESSES,
  refused: (s) => s.includes('+'),
  message: 'The address is not valid.',
});

const secondaryEmailLowerCaseOnly = overStrict({
  name: 'secondary-email-lower-case-only',
  description: 'SecondaryEmail is validated with `^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$` (no capitals): Ada@Example.TEST is refused.',
  members: ['SecondaryEmail'],
  refused: (s) => /[A-Z]/.test(s),
  message: 'SecondaryEmail is not a valid email address.',
});

const secondaryEmailSingleLabelDomain = overStrict({
  name: 'secondary-email-single-label-domain',
  description: 'SecondaryEmail is validated with `@[a-z0-9-]+\\.[a-z]{2,}$`: a domain of several labels (mail.eu.example.test) is refused.',
  members: ['SecondaryEmail'],
  refused: (s) => (s.split('@').at(-1) ?? '').split('.').length > 2,
  message: 'SecondaryEmail is not a valid email address.',
});

const secondaryEmailRfcLength = overStrict({
  name: 'secondary-email-rfc-length',
  description:
    'SecondaryEmail is limited to 254 characters (RFC 5321) although its documented pattern allows 265: a valid long address is refused.',
  members: ['SecondaryEmail'],
  refused: async (s) => (await lengthOf(s)) > 254,
  message: 'SecondaryEmail must be at most 254 characters.',
});

/** Spaces, hyphens, periods and parentheses, as a phone library strips them. */
const PHONE_FORMATTING = /[\s\-.()]/gu;

const mobileNormalisedOnStore = broken({
  name: 'mobile-normalised-on-store',
  description:
    'Mobile is cleaned before it is validated (spaces, hyphens, periods and parentheses removed, as a phone library formats it): `+1 (555) 555-0100` is accepted and stored as `+15555550100`.',
  caughtBy: ['IN-MOBILE-PATTERN'],
  suite: 'validation',
  wrap: interceptUpdates(async (call, service) => {
    const info = sentIdentity(call);
    if (typeof info.Mobile !== 'string') return undefined;
    const cleaned = info.Mobile.replace(PHONE_FORMATTING, '');
    if (cleaned === info.Mobile) return undefined;
    const stored = { ...info, Mobile: cleaned };
    // Anything still wrong once the number is cleaned is refused as the reference refuses it.
    if ((await findingsOf(service, call, { IdentityInfo: stored })).length) return undefined;
    const user = userOf(service, call.instanceId, call.userId);
    if (!user) return notFound();
    merge(user, stored);
    return ok();
  }),
});

/** The path percent-decoded and its dot segments resolved, each segment encoded again; undefined when it does not
 * decode (not UTF-8) or nothing changes. */
function normalisedPath(path: string): string | undefined {
  const [route, query] = [path.split('?', 1)[0]!, path.includes('?') ? path.slice(path.indexOf('?')) : ''];
  let decoded: string;
  try {
    decoded = decodeURIComponent(route);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const segment of decoded.split('/').slice(1)) {
    if (segment === '..') out.pop();
    else if (segment !== '.') out.push(segment);
  }
  const normalised = `/${out.map((s) => encodeURIComponent(s)).join('/')}${query}`;
  return normalised === path ? undefined : normalised;
}

const labelsDecodedBeforeRouting = broken({
  name: 'labels-decoded-before-routing',
  description:
    'The router percent-decodes the path and resolves dot segments before it matches a route (as a normalising reverse proxy does): a UserId of `<unknown>%2F..%2F<user>` updates that user instead of being not found.',
  caughtBy: ['EX-UNKNOWN-USER', 'EX-UNKNOWN-INSTANCE'],
  suite: 'existence',
  wrap: (handler, service) => async (request: WireRequest) => {
    const normalised = normalisedPath(request.path);
    // Authentication is checked on the request as sent; the route is taken from the normalised path.
    if (normalised === undefined || !(await isAuthentic(service, request))) return handler(request);
    return handler(await resign(service, { ...request, path: normalised }));
  },
});

/** The broken variants of issue 20, in one block (variants/index.ts adds them to BROKEN). */
export const COVERAGE_BROKEN: Variant[] = [
  firstNameRejectsDigits,
  namesRejectApostrophe,
  namesRejectHyphen,
  namesRejectSpaces,
  namesRejectEdgeSpaces,
  namesLatin1Only,
  namesRejectAstral,
  namesRejectCombiningMarks,
  namesRejectRtl,
  addressesRejectPlus,
  secondaryEmailLowerCaseOnly,
  secondaryEmailSingleLabelDomain,
  secondaryEmailRfcLength,
  mobileNormalisedOnStore,
  labelsDecodedBeforeRouting,
];
