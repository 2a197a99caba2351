/**
 * Which proxy a request goes through, by npm's rules (npm-registry-fetch passes `https-proxy || proxy`
 * to @npmcli/agent, which falls back to the environment):
 *   - npm's `https-proxy`, else its `proxy`, for every target, http or https;
 *   - else for https targets `HTTPS_PROXY`; for http targets `HTTPS_PROXY`, `HTTP_PROXY`, then `PROXY`
 *     (names in any case; npm reads the environment case-insensitively);
 *   - none for hosts in npm's `noproxy`, else `NO_PROXY`.
 * VS Code's `http.proxy`, when set, replaces the first two (as it does for VS Code's own requests), and
 * its `http.noProxy` entries join the noproxy list.
 *
 * noproxy entries match by domain suffix on label boundaries (`example.com` covers `a.example.com`, not
 * `badexample.com`; a leading dot changes nothing), as npm does. Beyond npm, which ignores them: `*`
 * matches every host, and `host:port` only that port — the curl conventions NO_PROXY users expect.
 */
import { Secret } from './secret';

export interface ProxyRules {
  /** Proxy URL for https targets (may hold credentials, hence Secret). */
  https?: Secret;
  /** Proxy URL for http targets. */
  http?: Secret;
  /** Entries of noproxy / NO_PROXY, trimmed, empty ones dropped. */
  noProxy: string[];
  /** Where the proxy came from, for people: "https-proxy in /home/me/.npmrc", "HTTPS_PROXY", "http.proxy". */
  source?: string;
}

type Env = Record<string, string | undefined>;

/** The proxy for `target`, or undefined: connect directly. */
export function proxyFor(target: URL, rules: ProxyRules): Secret | undefined {
  const proxy = target.protocol === 'https:' ? rules.https : rules.http;
  if (!proxy || isNoProxy(target, rules.noProxy)) return undefined;
  return proxy;
}

export function isNoProxy(target: URL, entries: readonly string[]): boolean {
  const hostname = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const hostLabels = hostname.split('.').reverse();
  return entries.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') return true;
    const { host, port: entryPort } = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) return false;
    const labels = host.split('.').filter(Boolean).reverse();
    return labels.length > 0 && labels.every((label, i) => hostLabels[i] === label);
  });
}

function splitHostPort(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return bracketed[2] === undefined ? { host: bracketed[1] ?? '' } : { host: bracketed[1] ?? '', port: bracketed[2] };
  const colon = entry.lastIndexOf(':');
  // A bare IPv6 address has several colons and no port.
  if (colon === -1 || entry.indexOf(':') !== colon || !/^\d+$/.test(entry.slice(colon + 1))) return { host: entry };
  return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

/** An environment variable by lower-case name, whatever its case (lower case wins when both are set, as in curl). */
export function envValue(env: Env, lowerName: string): string | undefined {
  const exact = env[lowerName];
  if (exact) return exact;
  const key = Object.keys(env).find((k) => k.toLowerCase() === lowerName && env[k]);
  return key === undefined ? undefined : env[key];
}

export interface NpmProxyInput {
  /** npm's `https-proxy` and `proxy` (flattened `httpsProxy`, `proxy`), with where each was set. */
  httpsProxy?: { value: string; where: string };
  proxy?: { value: string; where: string };
  /** npm's `noproxy` (flattened `noProxy`), a comma-separated list. */
  noProxy?: string;
}

export function proxyRules(npm: NpmProxyInput, env: Env): ProxyRules {
  const noProxy = split(npm.noProxy || envValue(env, 'no_proxy') || '');
  const configured = npm.httpsProxy ?? npm.proxy;
  if (configured) {
    const secret = new Secret(configured.value);
    const name = configured === npm.httpsProxy ? 'https-proxy' : 'proxy';
    return { https: secret, http: secret, noProxy, source: `${name} in ${configured.where}` };
  }
  const rules: ProxyRules = { noProxy };
  // npm's agent: https targets use HTTPS_PROXY only; http targets HTTPS_PROXY, HTTP_PROXY, then PROXY.
  const name = (['https_proxy', 'http_proxy', 'proxy'] as const).find((key) => envValue(env, key));
  const value = name && envValue(env, name);
  if (!name || !value) return rules;
  if (name === 'https_proxy') rules.https = new Secret(value);
  rules.http = new Secret(value);
  rules.source = name.toUpperCase();
  return rules;
}

/**
 * VS Code's `http.proxy` replaces npm's proxy for every target; npm's noproxy list (or NO_PROXY) still
 * applies, and VS Code's `http.noProxy` adds to it, whichever proxy is in use: both say "reach these hosts
 * directly", and a host one of them names is not one the user wants sent through a proxy.
 */
export function withEditorProxy(rules: ProxyRules, httpProxy: string | undefined, httpNoProxy: readonly string[] = []): ProxyRules {
  const extra = [...new Set(httpNoProxy.flatMap(split))].filter((entry) => !rules.noProxy.includes(entry));
  const noProxy = extra.length > 0 ? [...rules.noProxy, ...extra] : rules.noProxy;
  if (!httpProxy) return noProxy === rules.noProxy ? rules : { ...rules, noProxy };
  const secret = new Secret(httpProxy);
  return { https: secret, http: secret, noProxy, source: 'http.proxy' };
}

function split(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
