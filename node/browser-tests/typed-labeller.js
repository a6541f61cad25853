#!/usr/bin/env node
// Browser test: the labelling page for every answer type beyond single choice. A contributor signs
// in with a key created in the browser, consents once (the campaigns share their terms), then in
// each campaign answers a few tasks by keyboard (and some by pointer), meeting the page's own
// refusals on the way: multi_choice (toggles, picks outside min/max refused), rating (digits,
// arrows, the radio group reached by Tab), free_text (typing that fires no shortcut, Ctrl/Cmd+Enter,
// the character limit) and pairwise (1/A, 2/B, T; no tie where the campaign allows none).
// Every answer given is reported with the exact answer string it must have been signed as,
// written out here by hand from the keys pressed, not computed by the page's code.
// stdin: {baseUrl, campaigns: {multi_choice, rating, free_text, pairwise, pairwise_no_tie}, screenshots, timeoutMs?}
// stdout: {ok, address, answered: [{type, campaignId, itemId, answer, by}], refusals, checks, unnamedControls,
//          problems, screenshots, figures}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, newPage, tabAndPress, tabTo, shoot, signInWithNewKey, consent, main } = require('./browser');

main(async (req) => {
  const timeout = req.timeoutMs || 60000;
  const shots = [];
  const answered = [];
  const refusals = [];
  const checks = {};
  const unnamedControls = {};
  const aria = {};
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(timeout);
  const started = Date.now();

  const itemOnScreen = async () => {
    const item = page.locator('.item [data-item-id]');
    await item.waitFor();
    return Number(await item.getAttribute('data-item-id'));
  };
  const givenCount = async () => Number(await page.getByTestId('given-count').innerText());
  /** Records the answer the keys just given must have produced, and waits for the next item. */
  async function gave(type, itemId, answer, by) {
    answered.push({ type, campaignId: req.campaigns[type], itemId, answer, by });
    await page.waitForFunction((prev) => {
      const el = document.querySelector('.item [data-item-id]');
      return el && Number(el.getAttribute('data-item-id')) !== prev;
    }, itemId);
  }
  /** The page refused what was given: its message says `expected`, and nothing was counted as given. */
  async function refused(type, expected, givenBefore) {
    const message = page.getByTestId('answer-problem');
    await message.waitFor();
    const text = await message.innerText();
    if (!text.includes(expected)) throw new Error(`${type}: refusal "${text}" does not say "${expected}"`);
    if ((await givenCount()) !== givenBefore) throw new Error(`${type}: a refused answer was counted as given`);
    refusals.push({ type, text });
  }
  /** Every answer of this campaign signed and sent, none refused by the service. */
  async function drained(type, n) {
    await page.waitForFunction((count) =>
      document.querySelector('[data-testid="given-count"]')?.textContent === String(count), n);
    await page.waitForFunction(() => !/being signed and sent/.test(document.querySelector('.progress').textContent));
    if (await page.locator('.failures').count()) {
      throw new Error(`${type}: the service refused answers: ${await page.locator('.failures').innerText()}`);
    }
    checks[`${type}Outcome`] = await page.locator('.outcome').innerText();
  }
  /** Controls of the labeller without an accessible name (should be none), and its accessibility tree. */
  async function audit(type) {
    unnamedControls[type] = await page.locator('.labeller').evaluate((root) => {
      const nameOf = (el) => {
        const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent || '').join(' ');
        return [el.getAttribute('aria-label'), by, el.labels && [...el.labels].map((l) => l.textContent).join(' '),
          el.tagName === 'BUTTON' ? el.textContent : ''].filter(Boolean).join(' ').trim();
      };
      return [...root.querySelectorAll('button, input, textarea, select, [role="radio"], [role="group"], fieldset')]
        .filter((el) => el.tagName !== 'FIELDSET' ? !nameOf(el) : !el.querySelector('legend')?.textContent.trim())
        .map((el) => el.outerHTML.slice(0, 120));
    });
    aria[type] = await page.locator('.labeller').ariaSnapshot();
  }
  async function open(type) {
    await page.goto(`${req.baseUrl}/#/contribute/${req.campaigns[type]}`);
    await page.getByText('You consented').waitFor({ timeout: 120000 });
    return itemOnScreen();
  }

  try {
    // the campaigns, each saying what it asks for
    await page.goto(`${req.baseUrl}/#/contribute`);
    await page.locator(`a[href="#/contribute/${req.campaigns.pairwise_no_tie}"]`).first().waitFor();
    checks.campaignCards = await page.locator('ul.cards .meta').allInnerTexts();
    await shoot(page, req.screenshots, '00-campaigns', shots);

    // sign in with a key created in this browser, consent once
    await page.goto(`${req.baseUrl}/#/contribute/${req.campaigns.multi_choice}`);
    const address = await signInWithNewKey(page);
    checks.summary = await page.locator('.instructions .meta').innerText();
    await consent(page);

    // multi_choice: labels zebra, Apple, ant, éclair (keys 1-4), 1 to 2 picks
    let type = 'multi_choice';
    let item = await itemOnScreen();
    await shoot(page, req.screenshots, '01-multi_choice', shots);
    await audit(type);
    await page.keyboard.press('Enter');
    await refused(type, 'Pick at least 1 label (you picked 0)', 0);
    for (const k of ['1', '3', '2']) await page.keyboard.press(k);
    await page.keyboard.press('Enter');
    await refused(type, 'Pick at most 2 labels (you picked 3)', 0);
    checks.multiPressedAfterThree = await page.locator('.labels [aria-pressed="true"]').count();
    await shoot(page, req.screenshots, '02-multi_choice-refused', shots);
    await page.keyboard.press('3'); // ant again: dropped
    const pressed = await page.locator('.labels button').evaluateAll((els) =>
      els.map((el) => `${el.querySelector('span').textContent}:${el.getAttribute('aria-pressed')}`));
    checks.multiPressed = pressed;
    await page.keyboard.press('Enter');
    await gave(type, item, '{"labels":["Apple","zebra"]}', 'keyboard');
    item = await itemOnScreen();
    checks.multiResetOnNextItem = await page.locator('.labels [aria-pressed="true"]').count();
    await page.keyboard.press('4');
    await page.keyboard.press('3');
    await page.keyboard.press('Enter');
    await gave(type, item, '{"labels":["ant","éclair"]}', 'keyboard');
    item = await itemOnScreen();
    await page.getByRole('button', { name: 'éclair', exact: true }).click();
    await page.getByRole('button', { name: 'Apple', exact: true }).click();
    await page.getByRole('button', { name: /^Submit 2 labels/ }).click();
    await gave(type, item, '{"labels":["Apple","éclair"]}', 'pointer');
    await drained(type, 3);

    // rating: 1 (Poor) to 5 (Excellent)
    type = 'rating';
    item = await open(type);
    await shoot(page, req.screenshots, '03-rating', shots);
    await audit(type);
    await page.keyboard.press('Enter');
    await refused(type, 'Pick a rating first', 0);
    await page.keyboard.press('4');
    checks.ratingChecked = await page.locator('input[name="rating"]:checked').getAttribute('aria-label');
    await page.keyboard.press('Enter');
    await gave(type, item, '{"rating":4}', 'keyboard');
    item = await itemOnScreen();
    await page.keyboard.press('2');
    await page.keyboard.press('ArrowLeft'); // 1
    await page.keyboard.press('ArrowLeft'); // stays at 1
    await page.keyboard.press('ArrowRight'); // 2
    await page.keyboard.press('ArrowRight'); // 3
    await page.keyboard.press('Enter');
    await gave(type, item, '{"rating":3}', 'keyboard');
    item = await itemOnScreen();
    // the radio group reached by Tab; a digit moves the focus with the choice, the browser's arrow goes on from there
    await tabTo(page, 'the rating radios', '(() => document.activeElement && document.activeElement.name === "rating")()');
    await page.keyboard.press('2');
    await page.keyboard.press('ArrowRight');
    checks.ratingFocusFollows = await page.evaluate(() => `${document.activeElement.value}:${document.activeElement.checked}`);
    await page.keyboard.press('Enter');
    await gave(type, item, '{"rating":3}', 'keyboard (radio group)');
    item = await itemOnScreen();
    await page.getByRole('radio', { name: '5 (Excellent)' }).click();
    await page.getByRole('button', { name: /^Submit 5/ }).click();
    await gave(type, item, '{"rating":5}', 'pointer');
    await drained(type, 4);

    // free_text: at most 40 characters
    type = 'free_text';
    item = await open(type);
    await audit(type);
    await tabTo(page, 'the answer text area', '(() => document.activeElement?.id === "free-text-answer")()');
    await page.keyboard.type('A cat sits on a mat');
    checks.freeTextCount = await page.getByTestId('char-count').innerText();
    await shoot(page, req.screenshots, '04-free_text', shots);
    await page.keyboard.press('Control+Enter');
    await gave(type, item, '{"text":"A cat sits on a mat"}', 'keyboard');
    item = await itemOnScreen();
    checks.freeTextKeepsFocus = await page.evaluate(() => document.activeElement?.id === 'free-text-answer');
    // Enter is a new line, and digits and letters are text: none answers anything
    await page.keyboard.type('He said "hi" \\ 😀');
    await page.keyboard.press('Enter');
    await page.keyboard.type('line two 1 2 t');
    checks.freeTextTypedWithoutAnswering = (await givenCount()) === 1 && (await itemOnScreen()) === item;
    await page.keyboard.press('Meta+Enter');
    await gave(type, item, '{"text":"He said \\"hi\\" \\\\ 😀\\nline two 1 2 t"}', 'keyboard');
    item = await itemOnScreen();
    await page.keyboard.type('x'.repeat(45));
    checks.freeTextOverCount = await page.getByTestId('char-count').innerText();
    await page.keyboard.press('Control+Enter');
    await refused(type, 'at most 40 characters; this one has 45', 2);
    await shoot(page, req.screenshots, '05-free_text-too-long', shots);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Short answer');
    await page.keyboard.press('Control+Enter');
    await gave(type, item, '{"text":"Short answer"}', 'keyboard');
    await drained(type, 3);

    // pairwise: A (left) or B (right), or a tie
    type = 'pairwise';
    item = await open(type);
    checks.pairwiseCandidates = await page.locator('.candidate').allInnerTexts();
    checks.pairwiseSideBySide = await page.locator('.candidate').evaluateAll((els) =>
      els[0].getBoundingClientRect().top === els[1].getBoundingClientRect().top
      && els[0].getBoundingClientRect().left < els[1].getBoundingClientRect().left);
    await shoot(page, req.screenshots, '06-pairwise', shots);
    await page.setViewportSize({ width: 375, height: 812 });
    checks.pairwiseStackedAt375 = await page.locator('.candidate').evaluateAll((els) =>
      els[0].getBoundingClientRect().bottom <= els[1].getBoundingClientRect().top);
    await page.setViewportSize({ width: 1280, height: 860 });
    await audit(type);
    await page.keyboard.press('1');
    await gave(type, item, '{"choice":"a"}', 'keyboard');
    item = await itemOnScreen();
    await page.keyboard.press('b');
    await gave(type, item, '{"choice":"b"}', 'keyboard');
    item = await itemOnScreen();
    await page.keyboard.press('t');
    await gave(type, item, '{"choice":"tie"}', 'keyboard');
    item = await itemOnScreen();
    await page.keyboard.press('Shift+A');
    await gave(type, item, '{"choice":"a"}', 'keyboard');
    item = await itemOnScreen();
    await page.getByRole('button', { name: 'B is better' }).click();
    await gave(type, item, '{"choice":"b"}', 'pointer');
    await drained(type, 5);

    // pairwise without ties: no tie offered, T does nothing
    item = await open('pairwise_no_tie');
    checks.noTieButtons = await page.locator('.pairwise-choices button').allInnerTexts();
    await page.keyboard.press('t');
    await page.waitForTimeout(300);
    checks.noTieIgnoredT = (await givenCount()) === 0 && (await itemOnScreen()) === item;
    await page.keyboard.press('2');
    answered.push({ type: 'pairwise_no_tie', campaignId: req.campaigns.pairwise_no_tie, itemId: item,
      answer: '{"choice":"b"}', by: 'keyboard' });
    await drained('pairwise_no_tie', 1);

    // the labeller of each type as assistive technology gets it, for people to read beside the screenshots
    fs.writeFileSync(path.join(req.screenshots, 'accessibility-trees.txt'),
      Object.entries(aria).map(([t, tree]) => `# ${t}\n${tree}\n`).join('\n'));
    return { address, answered, refusals, checks, unnamedControls, aria, problems, screenshots: shots,
      figures: { scriptMs: Date.now() - started } };
  } catch (e) {
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [answered so far: ${JSON.stringify(answered)}; problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
