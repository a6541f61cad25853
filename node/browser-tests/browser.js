// Shared pieces of the browser tests: Debian's Chromium started headless through playwright-core
// (no browser download: LABELLEDGER_CHROMIUM or /usr/bin/chromium), a page that records every
// console error, page error and Content-Security-Policy violation, keyboard-only navigation, and
// screenshots at desktop width and at 375 px.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 812 };

function chromiumPath() {
  const configured = process.env.LABELLEDGER_CHROMIUM;
  const candidates = configured ? [configured] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(`no Chromium at ${candidates.join(' or ')}: install Debian's (apt-get install chromium) `
      + 'or set LABELLEDGER_CHROMIUM');
  }
  return found;
}

/**
 * Chromium, headless. With `fakeMedia` it has a fake microphone and camera (a synthetic tone and a
 * test pattern) that pages get without a permission prompt, and media plays without a user gesture.
 */
async function launch({ fakeMedia = false } = {}) {
  const media = fakeMedia ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required'] : [];
  // playwright gives every launch a fresh, empty --user-data-dir of its own
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...media],
    timeout: 60000,
  });
}

/** A page whose problems are collected in `problems` (console errors, page errors, CSP violations, failed requests). */
async function newPage(browser, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = { consoleErrors: [], pageErrors: [], cspViolations: [], failedRequests: [] };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/Content.Security.Policy/i.test(text)) problems.cspViolations.push(text);
    // an API refusal the page handles itself (404 NO_TASK_AVAILABLE at the end of a campaign, ...) also logs
    // "Failed to load resource": those are checked through the page's own output instead
    else if (!/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) problems.consoleErrors.push(text);
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e && e.stack || e)));
  page.on('requestfailed', (r) => problems.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure() && r.failure().errorText}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, page, problems };
}

/**
 * Presses Tab (at most `max` times) until the focused element satisfies `predicate` (run in the
 * page on document.activeElement); fails if it never does. Proves the control is reachable by keyboard.
 */
async function tabTo(page, describe, predicate, { max = 80, shift = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const hit = await page.evaluate(predicate);
    if (hit) return i + 1;
  }
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName} ${el.textContent.trim().slice(0, 60)}` : 'nothing';
  });
  throw new Error(`could not reach "${describe}" with Tab in ${max} presses (focus is on ${focused})`);
}

/** Focus by Tab on the first button/link/input whose accessible text contains `text`, then press `key`. */
async function tabAndPress(page, text, key = 'Enter', options) {
  const presses = await tabTo(page, text, `(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const name = (el.getAttribute('aria-label') || '') + ' ' + el.textContent + ' '
      + (el.labels && el.labels.length ? el.labels[0].textContent : '');
    return name.includes(${JSON.stringify(text)});
  })()`, options);
  await page.keyboard.press(key);
  return presses;
}

/** Focus by Tab on the element matching the CSS `selector`, then press `key`. */
async function tabToSelectorAndPress(page, selector, key = 'Enter', options) {
  const presses = await tabTo(page, selector,
    `(() => document.activeElement && document.activeElement.matches(${JSON.stringify(selector)}))()`, options);
  await page.keyboard.press(key);
  return presses;
}

/** Screenshots at desktop width and at 375 px (restoring the desktop viewport); checks nothing overflows at 375. */
async function shoot(page, dir, name, shots) {
  if (!shots.length) {
    // a fresh set per run: no picture of an earlier run is left to be mistaken for this one's
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  const desktop = path.join(dir, `${name}-desktop.png`);
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: desktop, fullPage: true });
  await page.setViewportSize(PHONE);
  // charts resize to a new width in a ResizeObserver callback a frame or more later: measure once layout has
  // settled (a real overflow stays, and is reported after 2 s)
  let overflow = 0;
  for (const until = Date.now() + 2000; ;) {
    await page.waitForTimeout(50);
    overflow = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() =>
      requestAnimationFrame(() => resolve(document.documentElement.scrollWidth - window.innerWidth)))));
    if (overflow <= 0 || Date.now() > until) break;
  }
  const phone = path.join(dir, `${name}-375.png`);
  await page.screenshot({ path: phone, fullPage: true });
  await page.setViewportSize(DESKTOP);
  shots.push({ name, desktop, phone, overflowAt375: overflow });
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/** Runs `scenario(request)` and prints its result as JSON; on failure prints {ok:false,error} and exits 1. */
function main(scenario) {
  readStdin().then(scenario).then((result) => {
    process.stdout.write(JSON.stringify({ ok: true, ...result }));
  }).catch((e) => {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack || e) }));
    process.exitCode = 1;
  });
}

/** On a contribute page: signs in with a key created in the browser, by keyboard; the signed-in address. */
async function signInWithNewKey(page) {
  await page.getByText('Create a key in this browser and sign in').waitFor();
  await tabAndPress(page, 'Create a key in this browser');
  await page.locator('.signed-in').waitFor();
  return (await page.locator('.signed-in').getAttribute('aria-label')).replace('Signed in as ', '');
}

/** On a contribute page, signed in: ticks "I have read the terms", signs the consent, waits for it to be recorded. */
async function consent(page) {
  await tabAndPress(page, 'I have read the terms', 'Space');
  await tabAndPress(page, 'Sign my consent');
  await page.getByText('You consented').waitFor({ timeout: 120000 });
}

/** Opens `url` (a contribute page), signs in with a new key and consents; the signed-in address. */
async function signInAndConsent(page, url) {
  await page.goto(url);
  const address = await signInWithNewKey(page);
  await consent(page);
  return address;
}

let axeSource = null;

/**
 * axe-core's violations on the page, and the controls under <main> matching `controls` that have no
 * accessible name (no aria-label, alt, text or label). axe-core is evaluated as a script in the page: the
 * app's Content-Security-Policy governs the app's own scripts only.
 */
async function accessibility(page, controls = 'button, a, input, select, textarea') {
  axeSource = axeSource || fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const unnamed = await page.locator('main').evaluate((root, selector) => [...root.querySelectorAll(selector)]
    .filter((el) => !((el.getAttribute('aria-label') || '') + (el.getAttribute('alt') || '') + el.textContent
      + (el.labels ? [...el.labels].map((l) => l.textContent).join('') : '')).trim())
    .map((el) => el.outerHTML.slice(0, 120)), controls);
  return { violations, unnamed };
}

module.exports = { DESKTOP, PHONE, launch, newPage, tabTo, tabAndPress, tabToSelectorAndPress, shoot, accessibility,
  signInWithNewKey, consent, signInAndConsent, main };
