#!/usr/bin/env node
// Browser test: contributed data. Chromium runs with a fake microphone (a synthetic tone). A
// contributor signs in with a key created in the browser, consents, and in an audio campaign records
// too short a take (the service's refusal is shown), records again for ~1.5 s, plays it back, uploads
// it (hashes shown), signs and submits; then writes and submits a text in a text campaign. Two
// validators, each in a browser context of their own, open the validation campaigns, hear/read the
// file fetched for them and vote with the keys 1 (valid) and 2 (invalid). axe-core runs on each page.
// stdin: {baseUrl, audioCampaign, textCampaign, audioValidation, textValidation, text, screenshots, timeoutMs?}
// stdout: {ok, contributor, uploads: {audio, text}, refusal, checks, votes, axe, unnamedControls, problems, screenshots}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, newPage, shoot, accessibility, signInAndConsent, main } = require('./browser');

/** Plays an <audio> until 0.2 s of it went by (run in the page). */
const playFor = (audio) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('the recording did not play')), 15000);
  audio.addEventListener('timeupdate', () => {
    if (audio.currentTime > 0.2) {
      clearTimeout(t);
      audio.pause();
      resolve({ currentTime: audio.currentTime, src: audio.currentSrc.slice(0, 5) });
    }
  });
  audio.play().catch(reject);
});

main(async (req) => {
  const timeout = req.timeoutMs || 90000;
  const shots = [];
  const checks = {};
  const axe = {};
  const unnamedControls = {};
  const votes = [];
  const allProblems = [];
  const browser = await launch({ fakeMedia: true });

  async function audit(page, name) {
    const found = await accessibility(page, 'button, a, input, select, textarea, audio');
    axe[name] = found.violations;
    unnamedControls[name] = found.unnamed;
  }

  async function person() {
    const { page, problems } = await newPage(browser);
    page.setDefaultTimeout(timeout);
    allProblems.push(problems);
    return page;
  }

  const enrol = (page, campaignId) => signInAndConsent(page, `${req.baseUrl}/#/contribute/${campaignId}`);

  const itemOnScreen = async (page) => Number(await page.locator('.item [data-item-id]').getAttribute('data-item-id'));

  /** The answer to `itemId` was signed and accepted by the service (the page's outcome line says so). */
  async function accepted(page, itemId) {
    await page.waitForFunction((id) => {
      const text = document.querySelector('.outcome')?.textContent || '';
      return text.startsWith(`Item ${id}:`);
    }, itemId);
    const outcome = await page.locator('.outcome').innerText();
    if (!/submitted \(/.test(outcome)) throw new Error(`item ${itemId} was not accepted: ${outcome}`);
  }

  async function submitted(page, itemId) {
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    await accepted(page, itemId);
  }

  async function record(page, ms) {
    await page.getByRole('button', { name: 'Start recording' }).click();
    await page.getByRole('button', { name: 'Stop recording' }).waitFor();
    await page.waitForTimeout(ms);
    checks.timerWhileRecording = await page.getByTestId('record-timer').innerText();
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await page.getByTestId('playback').waitFor();
  }

  try {
    // the contributor: audio first
    const page = await person();
    const contributor = await enrol(page, req.audioCampaign);
    const audioItem = await itemOnScreen(page);
    await shoot(page, req.screenshots, '01-recorder', shots);
    await audit(page, 'recorder');

    // a take shorter than the campaign's minimum: the service's refusal is shown, nothing is signed
    await record(page, 300);
    await page.getByRole('button', { name: 'Upload the file' }).click();
    const refusal = await page.getByTestId('upload-error').innerText();

    // record again, play it back, upload, sign and submit
    await record(page, 1600);
    const played = await page.getByTestId('playback').evaluate(playFor);
    checks.playback = played;
    await shoot(page, req.screenshots, '02-recorded', shots);
    await page.getByRole('button', { name: 'Upload the file' }).click();
    await page.getByTestId('uploaded').waitFor();
    const audioKeccak = await page.getByTestId('keccak').innerText();
    await shoot(page, req.screenshots, '03-uploaded', shots);
    await audit(page, 'uploaded');
    await submitted(page, audioItem);

    // a text
    await page.goto(`${req.baseUrl}/#/contribute/${req.textCampaign}`);
    await page.locator('.item [data-item-id]').waitFor();
    const textItem = await itemOnScreen(page);
    await page.getByLabel('Your text').fill(req.text);
    await page.getByRole('button', { name: 'Upload the text' }).click();
    await page.getByTestId('uploaded').waitFor();
    const textKeccak = await page.getByTestId('keccak').innerText();
    await shoot(page, req.screenshots, '04-text-uploaded', shots);
    await submitted(page, textItem);

    // two validators, in browser contexts of their own, vote by key: A valid (1), B invalid (2)
    for (const [who, key, vote] of [['A', '1', 'valid'], ['B', '2', 'invalid']]) {
      const v = await person();
      const address = await enrol(v, req.audioValidation);
      for (const [campaignId, kind] of [[req.audioValidation, 'audio'], [req.textValidation, 'text']]) {
        if (campaignId !== req.audioValidation) {
          await v.goto(`${req.baseUrl}/#/contribute/${campaignId}`);
        }
        await v.locator('.item [data-item-id]').waitFor();
        const itemId = await itemOnScreen(v);
        if (kind === 'audio') {
          const audio = v.getByTestId('validation-audio');
          await audio.waitFor();
          // a MediaRecorder WebM announces no duration (Chromium says Infinity): the validator plays it instead
          checks[`validator${who}Played`] = await audio.evaluate(playFor);
        } else {
          checks[`validator${who}Text`] = await v.getByTestId('validation-text').innerText();
        }
        if (who === 'A') {
          await shoot(v, req.screenshots, `05-validate-${kind}`, shots);
          await audit(v, `validate-${kind}`);
        }
        await v.keyboard.press(key);
        await accepted(v, itemId);
        votes.push({ validator: address, campaignId, itemId, vote, key });
      }
    }

    const problems = { consoleErrors: [], pageErrors: [], cspViolations: [], failedRequests: [] };
    for (const p of allProblems) for (const k of Object.keys(problems)) problems[k].push(...p[k]);
    return { contributor, uploads: { audio: { itemId: audioItem, keccak: audioKeccak }, text: { itemId: textItem, keccak: textKeccak } },
      refusal, checks, votes, axe, unnamedControls, problems, screenshots: shots };
  } catch (e) {
    fs.mkdirSync(req.screenshots, { recursive: true });
    const pages = browser.contexts().flatMap((c) => c.pages());
    await Promise.all(pages.map((p, i) => p.screenshot({ path: path.join(req.screenshots, `failure-${i}.png`), fullPage: true }).catch(() => {})));
    throw new Error(`${e && e.stack || e} [problems: ${JSON.stringify(allProblems)}]`);
  } finally {
    await browser.close();
  }
});
