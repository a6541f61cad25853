#!/usr/bin/env node
// Browser test: the labelling page for spans and boxes. A contributor signs in with a key created in
// the browser, consents once (the campaigns share their terms), then:
//   spans (no overlap): marks a span with the mouse and a label button, one with the keyboard (caret,
//     Shift+arrows, a label key), one more with the mouse and a key that Ctrl+Z takes back; meets the
//     overlap refusal; removes a span by click + Delete and gets it back with the Undo button; submits
//     with Enter; then submits the next item with nothing marked;
//   spans (overlap allowed): two nested spans, by word jumps and by mouse, submitted by the button;
//   boxes: draws a box, moves it, resizes it by a handle, relabels it by key, draws another, reaches the
//     first again with Shift+Tab and nudges and resizes it by keys, drags the second past the image's
//     edge, draws a third, deletes it with Delete, brings it back with Ctrl+Z, submits; then on the next
//     item adds a box by keyboard alone ("Add a box", arrows) and draws one at 375 px, where the image
//     is shown at half its size or less, and submits with Enter.
// The test reports what it did (texts, pointer positions as the page received them, the stage's
// rectangle); the Java side computes the answers that must have been stored from that, not from the
// page's code.
// stdin: {baseUrl, campaigns: {spans, spans_overlap, boxes}, text, image: {width, height}, screenshots, timeoutMs?}
// stdout: {ok, address, answered: [{type, campaignId, itemId, by}], drawn, checks, unnamedControls, problems, screenshots}
'use strict';
const fs = require('fs');
const path = require('path');
const { DESKTOP, PHONE, launch, newPage, tabAndPress, tabTo, shoot, signInAndConsent, main } = require('./browser');

main(async (req) => {
  const timeout = req.timeoutMs || 60000;
  const shots = [];
  const answered = [];
  const checks = { notes: [] };
  const unnamedControls = {};
  const aria = {};
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(timeout);
  const text = req.text;

  const itemOnScreen = async () => {
    const item = page.locator('.item [data-item-id]');
    await item.waitFor();
    return Number(await item.getAttribute('data-item-id'));
  };
  async function gave(type, itemId, by) {
    answered.push({ type, campaignId: req.campaigns[type], itemId, by });
    await page.waitForFunction((prev) => {
      const el = document.querySelector('.item [data-item-id]');
      return !el || Number(el.getAttribute('data-item-id')) !== prev;
    }, itemId);
  }
  async function drained(type, n) {
    await page.waitForFunction((count) =>
      document.querySelector('[data-testid="given-count"]')?.textContent === String(count), n);
    await page.waitForFunction(() => !/being signed and sent/.test(document.querySelector('.progress').textContent));
    if (await page.locator('.failures').count()) {
      throw new Error(`${type}: the service refused answers: ${await page.locator('.failures').innerText()}`);
    }
  }
  async function note(step) {
    const text = await page.getByTestId('annotation-note').innerText();
    checks.notes.push({ step, text });
    return text;
  }
  const marked = () => page.locator('ol.marks li').evaluateAll((els) => els.map((e) => e.dataset.span || e.dataset.box));
  async function audit(type) {
    unnamedControls[type] = await page.locator('.labeller').evaluate((root) => {
      const nameOf = (el) => {
        const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent || '').join(' ');
        return [el.getAttribute('aria-label'), by, el.labels && [...el.labels].map((l) => l.textContent).join(' '),
          el.tagName === 'BUTTON' ? el.textContent : ''].filter(Boolean).join(' ').trim();
      };
      return [...root.querySelectorAll('button, input, textarea, select, [role], [tabindex]')]
        .filter((el) => ['button', 'input', 'textarea', 'select'].includes(el.tagName.toLowerCase())
          || ['group', 'textbox', 'img', 'radio'].includes(el.getAttribute('role')) || el.tabIndex >= 0)
        .filter((el) => !nameOf(el))
        .map((el) => el.outerHTML.slice(0, 120));
    });
    aria[type] = await page.locator('.labeller').ariaSnapshot();
  }
  async function open(type) {
    await page.goto(`${req.baseUrl}/#/contribute/${req.campaigns[type]}`);
    await page.getByText('You consented').waitFor({ timeout: 120000 });
    return itemOnScreen();
  }

  // spans: where a substring of the text is on screen (its first line's left, its last line's right)
  const spansText = page.getByTestId('spans-text');
  async function whereIs(sub) {
    const u0 = text.indexOf(sub);
    if (u0 < 0) throw new Error(`"${sub}" is not in the text`);
    return spansText.evaluate((root, [from, to]) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let at = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (from >= at && from <= at + n.data.length) range.setStart(n, from - at);
        if (to >= at && to <= at + n.data.length) {
          range.setEnd(n, to - at);
          break;
        }
        at += n.data.length;
      }
      const rects = range.getClientRects();
      const first = rects[0];
      const last = rects[rects.length - 1];
      return { left: first.left, right: last.right, y: (first.top + first.bottom) / 2 };
    }, [u0, u0 + sub.length]);
  }
  /** Drags the mouse over `sub`, from its end back to its start when `backward`. */
  async function mouseSelect(sub, backward = false) {
    const r = await whereIs(sub);
    const [a, b] = backward ? [r.right - 1, r.left + 1] : [r.left + 1, r.right - 1];
    await page.mouse.move(a, r.y);
    await page.mouse.down();
    await page.mouse.move(b, r.y, { steps: 8 });
    await page.mouse.up();
  }
  const codePoints = (s) => Array.from(s).length;

  // boxes: the stage's rectangle, and pointer positions for image pixels at the current size
  const stage = page.getByTestId('box-stage');
  async function stageRect() {
    await stage.scrollIntoViewIfNeeded();
    return stage.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    });
  }
  async function drag(from, to) {
    await page.mouse.move(from[0], from[1]);
    await page.mouse.down();
    await page.mouse.move(to[0], to[1], { steps: 8 });
    await page.mouse.up();
  }
  // what the page was told: the positions of the last pointerdown and pointerup, as the events carried them
  async function recordPointer() {
    await page.evaluate(() => {
      window.seenPointer = {};
      for (const kind of ['pointerdown', 'pointerup']) {
        document.addEventListener(kind, (e) => { window.seenPointer[kind] = [e.clientX, e.clientY]; }, true);
      }
    });
  }

  try {
    await page.goto(`${req.baseUrl}/#/contribute`);
    await page.locator(`a[href="#/contribute/${req.campaigns.boxes}"]`).first().waitFor();
    checks.campaignCards = await page.locator('ul.cards .meta').allInnerTexts();

    // sign in with a key created in this browser, consent once
    const address = await signInAndConsent(page, `${req.baseUrl}/#/contribute/${req.campaigns.spans}`);

    // spans, no overlap: labels PER, LOC, ORG (keys 1-3)
    let type = 'spans';
    let item = await itemOnScreen();
    checks.spansTextShown = await spansText.evaluate((el) => el.textContent);
    await audit(type);
    await mouseSelect('Ada Lovelace');
    checks.mouseSelection = await page.getByTestId('spans-selection').innerText();
    await page.getByRole('button', { name: 'PER' }).click();
    await note('mouse + PER button');
    // by keyboard: Tab to the text, Home, the caret to "London" one step per character, Shift+arrows over it, 2
    await tabTo(page, 'the text to mark', '(() => document.activeElement?.dataset.testid === "spans-text")()');
    await page.keyboard.press('Home');
    for (let i = 0; i < codePoints(text.slice(0, text.indexOf('London'))); i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < codePoints('London'); i++) await page.keyboard.press('Shift+ArrowRight');
    checks.keyboardSelection = await page.getByTestId('spans-selection').innerText();
    await page.keyboard.press('2');
    await note('keyboard + 2');
    await mouseSelect('Charles Babbage', true);
    await page.keyboard.press('3');
    checks.spansBeforeUndo = await marked();
    await page.keyboard.press('Control+z');
    await note('Ctrl+Z');
    checks.spansAfterUndo = await marked();
    // overlapping a marked span: refused in the page
    await mouseSelect('Lovelace in');
    await page.keyboard.press('1');
    checks.overlapRefused = await note('overlap');
    checks.spansAfterOverlap = await marked();
    // a click on a marked span selects it, Delete removes it, the Undo button brings it back
    const london = await whereIs('London');
    await page.mouse.click((london.left + london.right) / 2, london.y);
    await note('click on London');
    await page.keyboard.press('Delete');
    checks.spansAfterDelete = await marked();
    await page.getByRole('button', { name: /^Undo/ }).click();
    checks.spansAfterUndoButton = await marked();
    await shoot(page, req.screenshots, '01-spans', shots);
    await spansText.focus();
    await page.keyboard.press('Enter');
    await gave(type, item, 'mouse and keyboard');
    item = await itemOnScreen();
    checks.spansResetOnNextItem = await page.locator('ol.marks li').count();
    checks.spansTextKeepsFocus = await page.evaluate(() => document.activeElement?.dataset.testid === 'spans-text');
    await page.keyboard.press('Enter');
    await gave(type, item, 'keyboard, nothing marked');
    await drained(type, 2);

    // spans, overlap allowed: "Ada Lovelace" by word jumps (PER), "Ada" inside it by mouse (ORG)
    type = 'spans_overlap';
    item = await open(type);
    await tabTo(page, 'the text to mark', '(() => document.activeElement?.dataset.testid === "spans-text")()');
    await page.keyboard.press('Home');
    for (let i = 0; i < codePoints(text.slice(0, text.indexOf('Ada'))); i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await page.keyboard.press('Control+Shift+ArrowRight');
    checks.wordSelection = await page.getByTestId('spans-selection').innerText();
    await page.keyboard.press('1');
    await mouseSelect('Ada');
    await page.keyboard.press('3');
    checks.nestedSpans = await marked();
    await shoot(page, req.screenshots, '02-spans-overlap', shots);
    await page.getByRole('button', { name: /^Submit 2 spans/ }).click();
    await gave(type, item, 'keyboard word jumps and mouse');
    await drained(type, 1);

    // boxes: labels car, person (keys 1, 2); the image is 640 x 400 and shown at its size at 1280 px
    type = 'boxes';
    item = await open(type);
    await page.waitForFunction(() => document.querySelector('.box-stage img')?.complete);
    checks.imageNatural = await page.locator('.box-stage img').evaluate((img) => [img.naturalWidth, img.naturalHeight]);
    await audit(type);
    await recordPointer();
    let r = await stageRect();
    checks.desktopStage = r;
    const at = (x, y) => [r.left + (x * r.width) / req.image.width, r.top + (y * r.height) / req.image.height];
    await drag(at(100, 80), at(260, 200));
    checks.afterDraw = await marked();
    await drag(at(180, 140), at(200, 150)); // move by (20, 10)
    checks.afterMove = await marked();
    const handle = await page.locator('.box.selected .handle.se').boundingBox();
    const grab = [handle.x + handle.width / 2, handle.y + handle.height / 2];
    await drag(grab, [grab[0] + 20, grab[1] + 30]); // the bottom-right corner by (20, 30)
    checks.afterResize = await marked();
    await page.keyboard.press('2'); // the selected box becomes a person, and so will new ones
    await drag(at(400, 50), at(500, 150));
    await page.keyboard.press('1'); // ... that one is a car after all
    checks.afterSecond = await marked();
    await page.keyboard.press('Shift+Tab'); // back to the first box
    checks.focusAfterShiftTab = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Alt+ArrowRight');
    checks.afterNudge = await marked();
    await drag(at(450, 100), at(450 + 300, 100)); // the second box dragged past the right edge
    checks.afterClamp = await marked();
    await drag(at(20, 300), at(120, 380));
    checks.afterThird = await marked();
    await page.keyboard.press('Delete');
    checks.afterDelete = await marked();
    await page.keyboard.press('Control+z');
    checks.afterUndo = await marked();
    await shoot(page, req.screenshots, '03-boxes', shots);
    await page.getByRole('button', { name: /^Submit 3 boxes/ }).click();
    await gave(type, item, 'pointer and keyboard');

    // the next item: one box by keyboard alone, one drawn at 375 px
    item = await itemOnScreen();
    await page.waitForFunction(() => document.querySelector('.box-stage img')?.complete);
    checks.boxesResetOnNextItem = await page.locator('ol.marks li').count();
    await tabAndPress(page, 'Add a box');
    checks.addedFocus = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Alt+Shift+ArrowUp');
    checks.keyboardBox = await marked();
    await page.setViewportSize(PHONE);
    r = await stageRect();
    const from = [Math.round(r.left + r.width * 0.1), Math.round(r.top + r.height * 0.55)];
    const to = [Math.round(r.left + r.width * 0.45), Math.round(r.top + r.height * 0.95)];
    await drag(from, to);
    const seen = await page.evaluate(() => window.seenPointer);
    const drawnAt375 = { stage: r, down: seen.pointerdown, up: seen.pointerup, image: req.image };
    checks.boxesAt375 = await marked();
    checks.overflowAt375 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: path.join(req.screenshots, '04-boxes-drawn-at-375.png'), fullPage: true });
    await page.keyboard.press('Enter'); // the focus is on the box just drawn
    await gave(type, item, 'keyboard and pointer at 375 px');
    await page.setViewportSize(DESKTOP);
    await drained(type, 2);

    fs.writeFileSync(path.join(req.screenshots, 'accessibility-trees.txt'),
      Object.entries(aria).map(([t, tree]) => `# ${t}\n${tree}\n`).join('\n'));
    return { address, answered, drawnAt375, checks, unnamedControls, problems, screenshots: shots };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [answered so far: ${JSON.stringify(answered)}; checks: ${JSON.stringify(checks)}; `
      + `problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
