// VS Code workbench helpers for playwright-core pages. Every wait polls the DOM with a deadline (playwright's
// waitFor / waitForFunction); nothing sleeps for a fixed time to "let things settle".

export const EDITOR = '.editor-group-container.active .monaco-editor';

/** Opens a workspace file through Quick Open (Ctrl+P); the first search waits for the extension host. */
export async function quickOpen(page, rel) {
  const base = rel.split('/').pop();
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; attempt <= 4; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(rel);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 15_000 * attempt });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: base }).waitFor({ timeout: 15_000 });
      await page.locator(`${EDITOR} .view-lines`).first().waitFor({ timeout: 15_000 });
      return attempt;
    } catch {
      // the file index is not ready yet: ask again
    }
  }
  throw new Error(`could not open ${rel} through Quick Open`);
}

/**
 * Geometry of `text` in the active editor (the first rendered line that contains it) and of the
 * squiggles (`squiggly-<severity>`) drawn on that line. Runs in the page.
 */
function lineState({ editor, text }) {
  const ed = document.querySelector(editor);
  if (!ed) return null;
  const line = [...ed.querySelectorAll('.view-lines .view-line')]
    .find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(text));
  if (!line) return null;
  const content = line.textContent.replace(/\u00a0/g, ' ');
  const at = content.indexOf(text);
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let pos = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const len = node.textContent.length;
    if (!started && at < pos + len) { range.setStart(node, at - pos); started = true; }
    if (started && at + text.length <= pos + len) { range.setEnd(node, at + text.length - pos); break; }
    pos += len;
  }
  const box = range.getBoundingClientRect();
  const overlay = [...ed.querySelectorAll('.view-overlays > div')].find((o) => o.style.top === line.style.top);
  const squiggles = overlay
    ? [...overlay.querySelectorAll('[class*="squiggly-"]')].map((s) => {
      const r = s.getBoundingClientRect();
      return { cls: [...s.classList].find((c) => c.startsWith('squiggly-')), x: r.x, width: r.width };
    })
    : [];
  return { content, text: { x: box.x, y: box.y, width: box.width, height: box.height }, squiggles };
}

export function textState(page, text) {
  return page.evaluate(lineState, { editor: EDITOR, text });
}

/** Defines lineState in the page once (through the debugging protocol, so the page's CSP does not apply). */
async function installLineState(page) {
  await page.evaluate(`window.__vigilLineState = window.__vigilLineState || (${lineState.toString()})`);
}

/** Waits until a `squiggly-<severity>` squiggle is drawn under `text`; returns the line's state. */
export async function waitForSquiggle(page, text, severity, timeout) {
  await installLineState(page);
  const handle = await page.waitForFunction(({ editor, text, severity }) => {
    const state = window.__vigilLineState({ editor, text });
    if (!state) return null;
    const mid = state.text.x + state.text.width / 2;
    const hit = state.squiggles.some((s) => s.cls === `squiggly-${severity}` && s.x <= mid && mid <= s.x + s.width);
    return hit ? state : null;
  }, { editor: EDITOR, text, severity }, { timeout, polling: 200 });
  return handle.jsonValue();
}

/** Waits until no `squiggly-<severity>` squiggle is left under `text`. */
export async function waitForNoSquiggle(page, text, severity, timeout) {
  await installLineState(page);
  await page.waitForFunction(({ editor, text, severity }) => {
    const state = window.__vigilLineState({ editor, text });
    return state && !state.squiggles.some((s) => s.cls === `squiggly-${severity}`);
  }, { editor: EDITOR, text, severity }, { timeout, polling: 200 });
}

/** The status bar's problem counts, e.g. "5 errors, 3 warnings" → { errors: 5, warnings: 3 }. */
export async function statusProblems(page) {
  const label = await page.evaluate(() => {
    const item = document.getElementById('status.problems');
    return item ? (item.getAttribute('aria-label') || item.textContent || '').trim() : '';
  });
  // "Errors: 5, Warnings: 3, Infos: 3" (1.96's aria-label) or "5 errors, 3 warnings"
  const count = (word) => {
    const match = label.match(new RegExp(`${word}s?:\\s*(\\d+)|(\\d+)\\s+${word}`, 'i'));
    return Number(match?.[1] ?? match?.[2] ?? 0);
  };
  return { label, errors: count('error'), warnings: count('warning'), infos: count('info') };
}

/** Opens the Problems panel and waits for a row whose aria-label matches `pattern`; returns every row's texts. */
export async function problemsRows(page, pattern, timeout) {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 15_000 });
  const handle = await page.waitForFunction(({ source, flags }) => {
    // the visible text has the source and code ("vigil(install-script-added)"), the aria-label the whole message
    const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')]
      .map((r) => ({ text: (r.textContent || '').trim(), aria: (r.getAttribute('aria-label') || '').trim() }));
    return rows.some((r) => new RegExp(source, flags).test(r.aria)) ? rows : null;
  }, { source: pattern.source, flags: pattern.flags }, { timeout, polling: 200 });
  return handle.jsonValue();
}

/** Moves the mouse onto `text` and waits for the editor hover to match `pattern`; returns its text. */
export async function hoverOver(page, text, pattern, timeout) {
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content').first();
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    const state = await textState(page, text);
    if (!state) throw new Error(`${text} is not on screen`);
    const viewport = page.viewportSize();
    await page.mouse.move(viewport.width * 0.75, viewport.height * 0.3);
    await page.mouse.move(state.text.x + Math.min(state.text.width / 2, 20), state.text.y + state.text.height / 2, { steps: 4 });
    try {
      await hover.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(10_000, end - Date.now())) });
      const handle = await page.waitForFunction(({ source, flags }) => {
        const parts = [...document.querySelectorAll('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content')];
        const content = parts.map((p) => p.innerText).join('\n').trim();
        return new RegExp(source, flags).test(content) ? content : null;
      }, { source: pattern.source, flags: pattern.flags }, { timeout: Math.max(1000, end - Date.now()), polling: 200 });
      return handle.jsonValue();
    } catch {
      last = await hover.innerText().catch(() => '');
    }
  }
  throw new Error(`the hover over ${text} did not match ${pattern} within ${timeout} ms; last hover: ${JSON.stringify(last.slice(0, 400))}`);
}

/** Puts the cursor inside `text`, opens Quick Fix (Ctrl+.) and waits for an action matching `pattern`. */
export async function openQuickFix(page, text, pattern, timeout) {
  const state = await textState(page, text);
  if (!state) throw new Error(`${text} is not on screen`);
  await page.mouse.click(state.text.x + state.text.width / 2, state.text.y + state.text.height / 2);
  const menu = page.locator('.action-widget');
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    await page.keyboard.press('Control+Period');
    try {
      await menu.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(5000, end - Date.now())) });
      const handle = await page.waitForFunction(({ source, flags }) => {
        const rows = [...document.querySelectorAll('.action-widget .monaco-list-row')]
          .map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim());
        return rows.some((r) => new RegExp(source, flags).test(r)) ? rows : null;
      }, { source: pattern.source, flags: pattern.flags }, { timeout: 5000, polling: 200 });
      return handle.jsonValue();
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`no Quick Fix matching ${pattern} on ${text} within ${timeout} ms`);
}

/** Moves the action widget's focus (arrow keys) onto the action matching `pattern` and applies it (Enter). */
export async function applyQuickFix(page, pattern) {
  const focused = () => page.evaluate(() =>
    document.querySelector('.action-widget .monaco-list-row.focused')?.getAttribute('aria-label') ?? '');
  const count = await page.locator('.action-widget .monaco-list-row').count();
  for (let i = 0; i <= count && !pattern.test(await focused()); i++) await page.keyboard.press('ArrowDown');
  const label = await focused();
  if (!pattern.test(label)) throw new Error(`could not focus an action matching ${pattern} (focused: ${label})`);
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  return label;
}

/**
 * Scrolls the visible hover with the mouse wheel (as a user would) until a heading whose text is `heading`
 * is inside it; returns whether it got there.
 */
export async function scrollHoverTo(page, heading, maxWheels = 20) {
  const widget = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
  const box = await widget.boundingBox();
  if (!box) return false;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height - 15, { steps: 3 });
  const inView = (timeout) => page.waitForFunction((text) => {
    const hover = document.querySelector('.monaco-editor .monaco-hover:not(.hidden)');
    const el = hover && [...hover.querySelectorAll('h1, h2, h3, h4, p, strong')].find((n) => n.textContent.trim() === text);
    if (!el) return false;
    const outer = hover.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= outer.top && r.bottom <= outer.bottom - 40;
  }, heading, { timeout, polling: 100 }).then(() => true, () => false);
  for (let i = 0; i < maxWheels; i++) {
    if (await inView(400)) return true;
    await page.mouse.wheel(0, 100);
  }
  return inView(400);
}
