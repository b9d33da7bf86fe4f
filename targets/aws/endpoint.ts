// Where requests go when the user did not say so on the command line, by the AWS SDKs' and the AWS CLI's rules for
// configured endpoints, in their order:
//   1. --endpoint-url (the client's own `endpoint`)
//   2. AWS_ENDPOINT_URL_CONNECT
//   3. AWS_ENDPOINT_URL
//   4. the profile's services section: `services = NAME` and [services NAME] connect = \n  endpoint_url = URL
//   5. the profile's endpoint_url
// none of 2..5 when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true or the profile's ignore_configured_endpoint_urls = true.
// The profile is --profile, else AWS_PROFILE, else default; the file is AWS_CONFIG_FILE, else ~/.aws/config.
// (The SDK's own lookup reads only AWS_PROFILE's profile, never the client's `profile`; the CLI's --profile must pick
// the endpoint of the profile it names, as the AWS CLI does, so the lookup is done here and handed to the SDK as an
// explicit endpoint: the SDK channel and the raw channel then send to the same place.)
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ResolvedEndpoint {
  url: string;
  /** Where it came from, for messages: `--endpoint-url`, `AWS_ENDPOINT_URL_CONNECT`, `profile dev (endpoint_url)`... */
  source: string;
}

type Sections = Map<string, Record<string, string>>;

/** The shared config file's sections: `default`, `profile NAME`, `services NAME`; nested keys as `parent.key`. */
export function parseSharedConfig(text: string): Sections {
  const sections: Sections = new Map();
  let current: Record<string, string> | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s[#;].*$/, '');
    if (/^\s*([#;].*)?$/.test(line)) continue;
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) {
      const name = header[1]!.replace(/\s+/g, ' ');
      current = sections.get(name) ?? {};
      sections.set(name, current);
      parent = undefined;
      continue;
    }
    if (!current) continue;
    const pair = /^(\s*)([^=]+?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!pair) continue;
    const [, indent, key, value] = pair as unknown as [string, string, string, string];
    if (indent.length > 0 && parent !== undefined) {
      current[`${parent}.${key.toLowerCase()}`] = value;
    } else if (value === '') {
      parent = key.toLowerCase();
    } else {
      parent = undefined;
      current[key.toLowerCase()] = value;
    }
  }
  return sections;
}

const configFile = (env: NodeJS.ProcessEnv) => env.AWS_CONFIG_FILE ?? join(env.HOME ?? homedir(), '.aws', 'config');
const credentialsFile = (env: NodeJS.ProcessEnv) => env.AWS_SHARED_CREDENTIALS_FILE ?? join(env.HOME ?? homedir(), '.aws', 'credentials');

function readSections(env: NodeJS.ProcessEnv, file = configFile(env)): Sections {
  try {
    return parseSharedConfig(readFileSync(file, 'utf8'));
  } catch {
    return new Map();
  }
}

/**
 * Whether a named profile exists, as the SDKs look for it: `[profile NAME]` (or `[default]`) in the shared config file
 * (AWS_CONFIG_FILE, else ~/.aws/config), or `[NAME]` in the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/credentials). Returns undefined when it does, else the files that were searched, for a message.
 */
export function missingProfile(name: string, env: NodeJS.ProcessEnv = process.env): { searched: string[] } | undefined {
  const config = readSections(env);
  const credentials = readSections(env, credentialsFile(env));
  if (config.has(`profile ${name}`) || (name === 'default' && config.has('default')) || credentials.has(name)) return undefined;
  return { searched: [configFile(env), credentialsFile(env)] };
}

const truthy = (v: string | undefined) => v?.trim().toLowerCase() === 'true';

/** The endpoint of the run by the SDK's order, or undefined for the service's own (https://connect.REGION.amazonaws.com). */
export function resolveEndpoint(options: {
  endpointUrl?: string;
  profile?: string;
  env?: NodeJS.ProcessEnv;
}): ResolvedEndpoint | undefined {
  const env = options.env ?? process.env;
  if (options.endpointUrl) return { url: options.endpointUrl, source: '--endpoint-url' };
  const profileName = options.profile ?? env.AWS_PROFILE ?? 'default';
  const sections = readSections(env);
  const profile =
    sections.get(profileName === 'default' ? 'default' : `profile ${profileName}`) ??
    (profileName === 'default' ? sections.get('profile default') : undefined) ??
    {};
  if (
    truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ||
    (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === undefined && truthy(profile.ignore_configured_endpoint_urls))
  )
    return undefined;
  if (env.AWS_ENDPOINT_URL_CONNECT) return { url: env.AWS_ENDPOINT_URL_CONNECT, source: 'AWS_ENDPOINT_URL_CONNECT' };
  if (env.AWS_ENDPOINT_URL) return { url: env.AWS_ENDPOINT_URL, source: 'AWS_ENDPOINT_URL' };
  if (profile.services) {
    const url = sections.get(`services ${profile.services}`)?.['connect.endpoint_url'];
    if (url) return { url, source: `profile ${profileName} (services ${profile.services}: connect endpoint_url)` };
  }
  if (profile.endpoint_url) return { url: profile.endpoint_url, source: `profile ${profileName} (endpoint_url)` };
  return undefined;
}
