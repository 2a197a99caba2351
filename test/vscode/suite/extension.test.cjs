// Runs inside VS Code's extension host (@vscode/test-cli + mocha, TDD interface). The workspace is a copy of
// examples/demo; user settings point vigil.registry at the loopback fixture registry and vigil.asOf at the
// demo's instant (test/vscode/run.mjs), so ua-parser-js resolves to the replayed hijack 0.7.23.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'vigil-dev.vigil';
/** "ua-parser-js" (with its quotes) on line 7 of examples/demo/package.json: 0-based line 6, columns 4-18. */
const KEY = new vscode.Range(6, 4, 6, 18);

function codeOf(diagnostic) {
  return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

/** The first diagnostic of `uri` matching `predicate`, now or when diagnostics change; rejects after `ms`. */
function waitForDiagnostic(uri, predicate, ms) {
  return new Promise((resolve, reject) => {
    const check = () => vscode.languages.getDiagnostics(uri).find(predicate);
    const found = check();
    if (found) return resolve(found);
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no matching diagnostic within ${ms} ms; have: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`));
    }, ms);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      const match = check();
      if (!match) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(match);
    });
  });
}

function hoverText(hovers) {
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
}

suite('Vigil in VS Code', () => {
  let uri;
  let flagged;

  suiteSetup(async () => {
    assert.ok(process.env.VIGIL_REGISTRY_URL, 'VIGIL_REGISTRY_URL is not set: run npm run test:vscode');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder open');
    uri = vscode.Uri.joinPath(folder.uri, 'package.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  test('the extension is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(vscode.workspace.getConfiguration('vigil').get('registry'), process.env.VIGIL_REGISTRY_URL);
  });

  test('flags ua-parser-js@0.7.23 (install script added) with an error on the dependency key', async () => {
    flagged = await waitForDiagnostic(uri, (d) => codeOf(d) === 'install-script-added' && d.message.includes('ua-parser-js@0.7.23'), 60_000);
    assert.equal(flagged.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(flagged.source, 'vigil');
    assert.ok(flagged.range.isEqual(KEY), `range ${JSON.stringify(flagged.range)}`);
    assert.match(flagged.message, /preinstall/);
    assert.match(flagged.message, /Pin 0\.7\.22/);
  });

  test('the hover on the dependency shows its maintainer history', async () => {
    assert.ok(flagged, 'needs the diagnostic of the previous test');
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, KEY.start.translate(0, 2));
    const text = hoverText(hovers);
    assert.match(text, /Maintainers/);
    assert.match(text, /faisalman/);
  });

  test('the "Pin ua-parser-js to 0.7.22" quick fix rewrites the range', async () => {
    assert.ok(flagged, 'needs the diagnostic of the previous test');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, KEY, vscode.CodeActionKind.QuickFix.value);
    const pin = actions.find((action) => action.title === 'Pin ua-parser-js to 0.7.22');
    assert.ok(pin, `quick fixes: ${actions.map((action) => action.title).join(' | ')}`);
    if (pin.edit) assert.equal(await vscode.workspace.applyEdit(pin.edit), true);
    if (pin.command) await vscode.commands.executeCommand(pin.command.command, ...(pin.command.arguments ?? []));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.lineAt(6).text.trim(), '"ua-parser-js": "0.7.22",');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
