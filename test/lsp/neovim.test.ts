/**
 * The language server in another editor: headless Neovim's built-in LSP client starts
 * `node dist/server.js --stdio` for a package.json, against a loopback registry serving the recorded
 * ua-parser-js history with the October 2021 hijack replayed on top, "as of" one hour after it. Neovim
 * gets the settings the way a user configures them (`settings.vigil`: pushed in
 * workspace/didChangeConfiguration on init, and answered to workspace/configuration by Neovim 0.8+ itself) and push diagnostics (Neovim 0.7 has no pull). A Lua driver waits for the diagnostics
 * (bounded `vim.wait`, no sleeps), asks for a hover on the flagged dependency, and writes both to JSON.
 *
 * Skips when `nvim` is not installed (Debian: `apt-get install neovim`). Works with Neovim 0.7
 * (`vim.lsp.start_client` + `buf_attach_client`) and 0.8+ (`vim.lsp.start`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';

const SERVER = join(ROOT, 'dist', 'server.js');
const SCENARIO_REGISTRY = join(ROOT, 'test', 'fixtures', 'scenarios', 'ua-parser-js-2021', 'registry');
/** One hour after 0.7.23 (the replayed hijack, adding a preinstall script) was published. */
const AS_OF = '2020-09-30T13:15:21.378Z';
const NVIM = process.env['NVIM_BIN'] ?? 'nvim';
/** Neovim's own wait for diagnostics; the process limit below is larger, so a hang still ends. */
const WAIT_MS = 20_000;
const PROCESS_LIMIT_MS = 60_000;

const MANIFEST = `{
  "name": "victim",
  "version": "1.0.0",
  "dependencies": {
    "ua-parser-js": "^0.7.22"
  }
}
`;

/** Everything comes in through the environment, so the file has no quoting to get wrong. */
const DRIVER = String.raw`
local function env(name)
  local value = os.getenv(name)
  assert(value, name .. ' is not set')
  return value
end
local result = { api = vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client' }
local v = vim.version and vim.version() or {}
result.nvim = string.format('%s.%s.%s', v.major or '?', v.minor or '?', v.patch or '?')

local function code_of(d)
  if d.code ~= nil then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local function run()
  vim.lsp.set_log_level(os.getenv('VIGIL_LSP_LOG') or 'warn')
  vim.cmd('edit ' .. vim.fn.fnameescape(env('VIGIL_MANIFEST')))
  local buf = vim.api.nvim_get_current_buf()
  local config = {
    name = 'vigil',
    cmd = { env('VIGIL_NODE'), env('VIGIL_SERVER'), '--stdio' },
    cmd_env = { MALLOC_ARENA_MAX = '2' },
    root_dir = env('VIGIL_ROOT'),
    settings = { vigil = { registry = env('VIGIL_REGISTRY'), asOf = env('VIGIL_AS_OF'), cooldownDays = 3 } },
    init_options = { cacheDir = env('VIGIL_CACHE') },
    -- Neovim 0.7 answers workspace/configuration but does not announce it, and sends no settings by
    -- itself: push them once (as nvim-lspconfig does). The server takes pushed settings when it cannot pull.
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
    end,
  }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(config)
  else
    id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, id)
  end
  assert(id, 'the language server did not start')

  local flagged = nil
  result.ready = vim.wait(tonumber(env('VIGIL_WAIT_MS')), function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if code_of(d) == 'install-script-added' then flagged = d; return true end
    end
    return false
  end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, code = code_of(d), message = d.message })
  end

  local client = vim.lsp.get_client_by_id(id)
  local caps = client and (client.server_capabilities or client.resolved_capabilities) or {}
  result.hoverProvider = caps.hoverProvider and true or false
  if flagged and result.hoverProvider then
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = flagged.lnum, character = flagged.col + 2 } }
    local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000)
    local response = responses and responses[id]
    if response and response.result then
      local contents = response.result.contents
      result.hover = type(contents) == 'table' and (contents.value or contents) or contents
    else
      result.hoverError = tostring(err or (response and response.err and response.err.message) or 'no response')
    end
  end

  vim.lsp.stop_client(id)
  vim.wait(5000, function() return client == nil or client.is_stopped() end, 50)
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
local file = assert(io.open(env('VIGIL_OUT'), 'w'))
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd(ok and 'qa!' or 'cq!')
`;

interface DriverResult {
  api: string;
  nvim: string;
  ready?: boolean;
  diagnostics?: Array<{ lnum: number; col: number; end_lnum: number; end_col: number; severity: number; source?: string; code?: string; message: string }>;
  hoverProvider?: boolean;
  hover?: string;
  hoverError?: string;
  error?: string;
}

function nvimVersion(): string | undefined {
  const probe = spawnSync(NVIM, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error || probe.status !== 0) return undefined;
  return probe.stdout.split('\n')[0];
}

/** Runs the driver in headless Neovim; resolves with its exit code and output (killed at the limit). */
function runNeovim(env: NodeJS.ProcessEnv, driver: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NVIM, ['--headless', '-n', '-i', 'NONE', '--noplugin', '-u', 'NONE', '-c', `luafile ${driver}`], {
      env, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROCESS_LIMIT_MS, killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const version = nvimVersion();

describe('Neovim built-in LSP client', { skip: version ? false : `nvim not installed: apt-get install neovim (or set NVIM_BIN)` }, () => {
  let registry: FixtureRegistry;
  let dir: string;
  let result: DriverResult;
  let log = '';

  before(async () => {
    assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build`);
    registry = await startFixtureRegistry([SCENARIO_REGISTRY]);
    dir = mkdtempSync(join(tmpdir(), 'vigil-nvim-'));
    const workspace = join(dir, 'ws');
    const manifest = join(workspace, 'package.json');
    for (const sub of [workspace, join(dir, 'cache'), join(dir, 'xdg')]) mkdirSync(sub, { recursive: true });
    writeFileSync(manifest, MANIFEST);
    const driver = join(dir, 'driver.lua');
    writeFileSync(driver, DRIVER);
    const out = join(dir, 'result.json');
    const xdg = join(dir, 'xdg');
    const run = await runNeovim({
      ...process.env,
      // Neovim's own state (lsp.log, shada, swap) stays in the temporary folder.
      XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_STATE_HOME: xdg, XDG_CACHE_HOME: xdg,
      VIGIL_MANIFEST: manifest, VIGIL_ROOT: workspace, VIGIL_NODE: process.execPath, VIGIL_SERVER: SERVER,
      VIGIL_REGISTRY: registry.url, VIGIL_AS_OF: AS_OF, VIGIL_CACHE: join(dir, 'cache'),
      VIGIL_WAIT_MS: String(WAIT_MS), VIGIL_OUT: out,
    }, driver);
    const lspLog = join(xdg, 'nvim', 'lsp.log');
    log = `nvim exit ${run.code}\n${run.output}\n${existsSync(lspLog) ? readFileSync(lspLog, 'utf8').slice(-4000) : ''}`;
    assert.ok(existsSync(out), `the Neovim driver wrote no result:\n${log}`);
    result = JSON.parse(readFileSync(out, 'utf8')) as DriverResult;
  }, { timeout: PROCESS_LIMIT_MS + 10_000 });

  after(async () => {
    await registry?.close();
    if (dir && !process.env['VIGIL_KEEP']) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the install-script-added error on the dependency key', () => {
    assert.equal(result.error, undefined, `driver error: ${result.error}\n${log}`);
    assert.equal(result.ready, true, `no install-script-added diagnostic within ${WAIT_MS} ms (Neovim ${result.nvim}):\n${JSON.stringify(result.diagnostics)}\n${log}`);
    const flagged = result.diagnostics?.find((d) => d.code === 'install-script-added');
    assert.ok(flagged);
    // "ua-parser-js" (quotes included) on line 5 (0-based 4), columns 4 to 18: the same range VS Code gets.
    assert.deepEqual([flagged.lnum, flagged.col, flagged.end_lnum, flagged.end_col], [4, 4, 4, 18]);
    assert.equal(flagged.severity, 1, 'vim.diagnostic.severity.ERROR');
    assert.equal(flagged.source, 'vigil');
    assert.match(flagged.message, /ua-parser-js@0\.7\.23/);
    assert.match(flagged.message, /preinstall/);
    assert.match(flagged.message, /Pin 0\.7\.22/);
  });

  it('answers a hover on the flagged dependency with its maintainer history', (t) => {
    if (!result.hoverProvider) {
      t.skip('the server advertises no hoverProvider (server/src/lsp/hover.ts not in dist/server.js yet)');
      return;
    }
    assert.equal(result.hoverError, undefined, `hover failed: ${result.hoverError}\n${log}`);
    assert.equal(typeof result.hover, 'string', `hover result: ${JSON.stringify(result.hover)}`);
    const hover = result.hover ?? '';
    assert.match(hover, /ua-parser-js\\?@0\.7\.23/);
    // the card's maintainer table (markdown): account, since, versions, published
    assert.match(hover, /\*\*Maintainers\*\*/);
    assert.match(hover, /^\|\s*\**faisalman\**\s*\|\s*2012-07-28\s*\|\s*\d+\s*\|/m);
  });
});
