/**
 * A string that must not be printed: a registry token, a Basic credential, a proxy URL with a password.
 * Everything that turns values into text (template strings, JSON.stringify, util.inspect, console.log)
 * sees "[redacted]", so a config object can be logged or serialised by mistake without leaking; only
 * reveal() gives the value, at the one place that puts it on the wire.
 */
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
