/**
 * The public default registry for registry-shadowing, as npm's routing sees it: the registry a name goes
 * to when no scope mapping applies — npm's `registry` (https://registry.npmjs.org/ unless configured), or
 * the one `--registry` names — is where an install without the project's routing would get it. Only
 * packages routed elsewhere (`@scope:registry=`) are compared, so nothing else is ever asked there; an
 * explicit `publicRegistryUrl` (a corporate default registry compared with npmjs, or a loopback one in
 * tests) compares every package that does not come from it. Names whose registry is unusable are never
 * sent anywhere (fail closed, as the routing itself does).
 */
import type { PublicRegistry, RegistryResult } from '../core/registry/types';
import type { CachingRegistry } from './runtime';

/** The public registry, with a memory-only peek so an editor's first pass does no I/O. */
export interface CachingPublicRegistry extends PublicRegistry {
  peek(name: string): RegistryResult | undefined;
  /** As CachingRegistry.reusableUntil. */
  reusableUntil?(name: string, answer: RegistryResult): number | undefined;
}

/** What the comparison needs from the routing: which registry answers for a name. */
export interface Routing {
  registryFor(name: string): { registryUrl: string };
}

/** undefined when the public registry itself is unusable (not an http(s) URL): nothing is compared then. */
export function publicRegistryFor(routing: Routing, publicClient: CachingRegistry): CachingPublicRegistry | undefined {
  const url = publicClient.registryUrl;
  if (!url) return undefined;
  return {
    url,
    privateSourceOf(name) {
      const from = routing.registryFor(name).registryUrl;
      return from && from !== url ? from : undefined;
    },
    getPackument: (name, signal) => publicClient.getPackument(name, signal),
    peek: (name) => publicClient.peek(name),
    reusableUntil: (name, answer) => publicClient.reusableUntil?.(name, answer),
  };
}
