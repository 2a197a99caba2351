/**
 * The pure edit computations behind Vigil's quick-fixes: text in, offset edits out. The language server
 * turns them into versioned workspace edits; nothing here knows about positions, documents or versions.
 */
export { applyEdits, type TextEdit } from './textEdit';
export { pinAllEdits, pinEdit, replaceTyposquatEdits } from './dependencyEdits';
export { installCommand, managerOf, type PackageManager } from './manager';
export { overrideEdits, type OverrideResult } from './overrides';
export { suppressionEdits, suppressionProblem, type SuppressionRequest } from './suppression';
