/** What a jsonc-parser error means, in words, for the JSON files Vigil reads (package.json, package-lock.json). */
import { printParseErrorCode, type ParseError } from 'jsonc-parser';

const HINTS: Record<string, string> = {
  CommaExpected: 'a comma is missing between two entries',
  PropertyNameExpected: 'a property name (in double quotes) is expected here; a trailing comma is not allowed in JSON',
  ValueExpected: 'a value is expected here; a trailing comma is not allowed in JSON',
  ColonExpected: 'a colon is expected after the property name',
  CloseBraceExpected: 'a closing brace is missing',
  CloseBracketExpected: 'a closing bracket is missing',
  EndOfFileExpected: 'there is text after the end of the JSON document',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfComment: 'a comment is not closed',
  InvalidSymbol: 'this is not valid JSON',
  InvalidEscapeCharacter: 'a string has an invalid escape sequence',
  InvalidUnicode: 'a string has an invalid unicode escape',
  InvalidCharacter: 'a string contains a character that must be escaped',
  InvalidNumberFormat: 'a number is malformed',
};

/** The hint for `error` in a file called `fileLabel` ("package.json", "a lockfile"). Never quotes the file. */
export function jsonSyntaxHint(error: ParseError, fileLabel: string): string {
  const code = printParseErrorCode(error.error);
  if (code === 'InvalidCommentToken') return `comments are not allowed in ${fileLabel}`;
  return HINTS[code] ?? 'the JSON is malformed here';
}
