#!/usr/bin/env node
// Browser test: the operator's console, the whole story. Every operator page asks a signed-out
// visitor to sign in; the operator imports their key, creates a campaign with the form (terms
// published from it), drops a 100,000-line JSONL file on the upload area (three lines of the wrong
// shape are listed as rejected), watches the progress figures and chart move while the test's
// contributors answer through the API, finds the random answerer below the floor, moves the
// confidence-bar slider until the preview counts items, builds and lists a version, and sees the
// test's purchase in the sales and the revenue chart. axe-core runs on every page of the app.
// stdin: {baseUrl, operatorKey, campaignName, termsText, labels, lines, screenshots, timeoutMs?}
// stdout: {ok, campaignId, upload, rejected, progressBefore, progressAfter, belowFloor, preview, datasetId,
//          sales, signInPages, axe, unnamedControls, problems, screenshots}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, newPage, tabAndPress, tabTo, tabToSelectorAndPress, shoot, main } = require('./browser');

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

main(async (req) => {
  const timeout = req.timeoutMs || 120000;
  const shots = [];
  const browser = await launch();
  const { page, problems } = await newPage(browser);
  page.setDefaultTimeout(timeout);
  const axe = {};
  const unnamedControls = {};

  async function audit(name) {
    // axe-core is evaluated as a script in the page (the app's CSP governs the app's own scripts only)
    await page.evaluate(AXE);
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    axe[name] = result;
    unnamedControls[name] = await page.locator('main').evaluate((root) => [...root.querySelectorAll('button, a, input, select, textarea')]
      .filter((el) => !((el.getAttribute('aria-label') || '') + el.textContent + (el.labels ? [...el.labels].map((l) => l.textContent).join('') : '')).trim())
      .map((el) => el.outerHTML.slice(0, 120)));
  }
  const figures = () => page.locator('[data-testid="progress-figures"]').evaluate((el) => ({
    answers: Number(el.dataset.answers), decided: Number(el.dataset.decided), active: Number(el.dataset.active),
    text: el.innerText }));

  try {
    // signed out: every page is audited, and every operator page shows a sign-in instead of data
    const signInPages = {};
    for (const [name, hash] of [['contribute', '#/contribute'], ['work', '#/work'], ['buy', '#/buy'], ['audit', '#/audit'],
      ['account', '#/account']]) {
      await page.goto(`${req.baseUrl}/${hash}`);
      await page.locator('main h1, main h2').first().waitFor();
      await page.waitForLoadState('networkidle');
      await audit(name);
    }
    for (const [name, hash] of [['operator-activity', '#/operator/activity'], ['operator-campaigns', '#/operator/campaigns'],
      ['operator-new', '#/operator/new'], ['operator-campaign', '#/operator/campaigns/1']]) {
      await page.goto(`${req.baseUrl}/${hash}`);
      await page.locator('#signin-title').waitFor();
      signInPages[name] = { signIn: await page.locator('#signin-title').count(),
        data: await page.locator('main table, main canvas, main form.new-campaign, [data-testid="progress-figures"]').count() };
      if (name === 'operator-activity') await audit('operator-signin');
    }

    await page.goto(`${req.baseUrl}/#/operator/new`);
    await tabAndPress(page, 'Import a key');
    await page.locator('#import-key-text').focus();
    await page.keyboard.type(req.operatorKey);
    await tabAndPress(page, 'Import and sign in');
    await page.locator('form.new-campaign').waitFor();
    await shoot(page, req.screenshots, 'c1-new-campaign', shots);

    // the form refuses what the API refuses, before sending
    await tabAndPress(page, 'Create the campaign');
    await page.locator('.field-error').first().waitFor();
    const formErrors = await page.locator('.field-error').allInnerTexts();
    await audit('operator-new');
    await page.locator('#nc-name').fill(req.campaignName);
    await page.locator('#nc-instructions').fill('Pick the animal the text names.');
    await page.locator('#nc-labels').fill(req.labels.join(', '));
    await page.locator('#nc-overlap').fill('2');
    await page.locator('#nc-maxOverlap').fill('2');
    await page.locator('#nc-goldRate').fill('0.5');
    await page.locator('#nc-accuracyFloor').fill('0.7');
    await page.locator('#nc-targetConfidence').fill('0.6');
    await page.locator('#nc-termsChoice').selectOption('new');
    await page.locator('#nc-termsText').fill(req.termsText);
    await page.locator('#nc-termsText').focus();
    await tabAndPress(page, 'Create the campaign');
    await page.waitForFunction(() => /#\/operator\/campaigns\/\d+$/.test(window.location.hash));
    const campaignId = Number((await page.evaluate(() => window.location.hash)).split('/').pop());
    await page.locator('[data-testid="dropzone"]').waitFor();

    // a small CSV first: its columns mapped to the item id, the gold answer and the item's data
    const csvTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['key,text,answer\nc1,cat on a mat,cat\nc2,dog in a park,\nc3,bird on a wire,bird\n'],
        'items.csv', { type: 'text/csv' }));
      return dt;
    });
    for (const type of ['dragenter', 'dragover', 'drop']) {
      await page.dispatchEvent('[data-testid="dropzone"]', type, { dataTransfer: csvTransfer });
    }
    await page.locator('#map-gold').waitFor();
    const csvColumns = await page.locator('[data-testid="upload-preview"] thead th').allInnerTexts();
    await page.locator('#map-gold').selectOption('answer');
    const csvData = await page.locator('fieldset.mapping input[type="checkbox"]').evaluateAll((boxes) =>
      boxes.filter((b) => b.checked).map((b) => b.parentElement.textContent.trim()));
    await shoot(page, req.screenshots, 'c2-csv-mapping', shots);
    await tabAndPress(page, 'Upload the items');
    await page.locator('[data-testid="upload-result"]').waitFor();
    const csv = await page.locator('[data-testid="upload-result"]').evaluate((el) => ({
      inserted: Number(el.dataset.inserted), rejected: Number(el.dataset.rejected) }));
    csv.columns = csvColumns;
    csv.data = csvData;

    // 100,000 lines dropped as one file; three of them are objects of the wrong shape
    const bad = new Set([7, 50000, 99999]);
    const dataTransfer = await page.evaluateHandle(({ lines, labels, bad }) => {
      const parts = [];
      for (let i = 1; i <= lines; i++) {
        const label = labels[i % labels.length];
        if (bad.includes(i)) parts.push(`{"id":"x${i}","data":"not an object"}\n`);
        else if (i % 10 === 0) parts.push(`{"id":"g${i}","data":{"text":"${label} ${i}"},"gold":"${label}"}\n`);
        else parts.push(`{"id":"i${i}","data":{"text":"${label} ${i}"}}\n`);
      }
      const dt = new DataTransfer();
      dt.items.add(new File(parts, 'items.jsonl', { type: 'application/x-ndjson' }));
      return dt;
    }, { lines: req.lines, labels: req.labels, bad: [...bad] });
    for (const type of ['dragenter', 'dragover', 'drop']) {
      await page.dispatchEvent('[data-testid="dropzone"]', type, { dataTransfer });
    }
    await page.locator('[data-testid="upload-preview"] pre').waitFor();
    const previewText = await page.locator('[data-testid="upload-preview"] pre').innerText();
    await shoot(page, req.screenshots, 'c2-upload-preview', shots);
    const started = Date.now();
    await tabAndPress(page, 'Upload the items');
    await page.locator('#upload-progress').waitFor().catch(() => {});
    await page.locator('[data-testid="upload-result"]').waitFor({ timeout: 300000 });
    const upload = await page.locator('[data-testid="upload-result"]').evaluate((el) => ({
      inserted: Number(el.dataset.inserted), rejected: Number(el.dataset.rejected), text: el.innerText }));
    upload.ms = Date.now() - started;
    upload.preview = previewText.split('\n').length;
    const rejected = await page.locator('ul.rejected li').evaluateAll((lis) => lis.map((li) => ({
      line: Number(li.dataset.line), text: li.textContent })));
    await shoot(page, req.screenshots, 'c3-uploaded', shots);

    // the test's contributors answer now: the figures and the chart move without a reload
    await page.locator('[data-testid="progress-figures"]').waitFor();
    const progressBefore = await figures();
    const chartBefore = await page.locator('[data-chart="progress"] [data-chart-summary]').innerText();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="progress-figures"]');
      return el && Number(el.dataset.answers) >= 30 && Number(el.dataset.active) >= 2;
    }, null, { timeout: 240000 });
    const progressAfter = await figures();
    const chartAfter = await page.locator('[data-chart="progress"] [data-chart-summary]').innerText();
    await page.locator('[data-testid="below-floor"] [data-contributor]').first().waitFor({ timeout: 240000 });
    const belowFloor = await page.locator('[data-testid="below-floor"] [data-contributor]')
      .evaluateAll((els) => els.map((e) => e.dataset.contributor));
    const accuracyChart = await page.locator('[data-chart="accuracy"] figcaption').innerText();
    // the heat map of a contributor's confusion matrix, and an item drilled down to its answers
    await page.locator('[data-chart="confusion"] canvas').waitFor({ timeout: 60000 });
    const confusion = await page.locator('[data-chart="confusion"] canvas').getAttribute('aria-label');
    await page.locator('table.items button').first().waitFor({ timeout: 60000 });
    await tabToSelectorAndPress(page, 'table.items button', 'Enter', { max: 200 });
    await page.locator('[data-testid="item-detail"] li').first().waitFor();
    const drill = await page.locator('[data-testid="item-detail"]').evaluate((el) => ({
      itemId: Number(el.dataset.itemId),
      answers: [...el.querySelectorAll('li')].map((li) => ({ id: Number(li.dataset.contributionId),
        contributor: li.dataset.contributor, answer: li.dataset.answer, status: li.dataset.status })) }));
    await shoot(page, req.screenshots, 'c4-progress-and-quality', shots);
    await audit('operator-campaign');

    // the slider: from 100 % down by the keyboard until the preview counts items
    await page.locator('#confidence-bar').focus();
    await page.keyboard.press('End');
    const previews = [];
    let preview = null;
    for (let step = 0; step < 60; step++) {
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="version-preview"]');
        const bar = Number(document.querySelector('#confidence-bar').value);
        return el && el.textContent.startsWith(`At ${Math.round(bar * 100)}`);
      }, null, { timeout: 20000 }).catch(() => {});
      preview = await page.locator('[data-testid="version-preview"]').evaluate((el) => ({
        items: Number(el.dataset.items), contributions: Number(el.dataset.contributions), text: el.textContent,
        bar: Number(document.querySelector('#confidence-bar').value) }));
      previews.push(preview);
      if (preview.items > 0 && preview.bar < 1) break;
      if (preview.bar <= 0.5) {
        // not yet decided and anchored: wait for the workers rather than lower the bar further
        await page.waitForTimeout(2000);
        continue;
      }
      await page.keyboard.press('PageDown');
    }
    await shoot(page, req.screenshots, 'c5-version-preview', shots);
    await tabAndPress(page, 'Build a version at');
    await page.locator('ul.versions li[data-status="built"]').waitFor({ timeout: 180000 });
    const datasetId = Number(await page.locator('ul.versions li').first().getAttribute('data-dataset-id'));
    await tabAndPress(page, 'List ');
    await page.locator('ul.versions li[data-status="listed"]').waitFor({ timeout: 180000 });
    await shoot(page, req.screenshots, 'c6-listed', shots);

    // the test buys it now; the sales and the revenue chart show it within a few polls
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="sales"]');
      return el && Number(el.dataset.purchases) >= 1;
    }, null, { timeout: 240000 });
    await page.locator('[data-chart^="revenue-"]').waitFor();
    const sales = await page.locator('[data-testid="sales"]').evaluate((el) => ({
      purchases: Number(el.dataset.purchases), revenue: el.dataset.revenue, text: el.innerText }));
    await shoot(page, req.screenshots, 'c7-sales', shots);
    await audit('operator-campaign-sales');

    // reprice, then delist, from the version's controls
    const version = `ul.versions li[data-dataset-id="${datasetId}"]`;
    await page.locator(`#price-${datasetId}`).fill(req.newPrice);
    await tabAndPress(page, 'Reprice ', 'Enter', { max: 150 });
    await page.waitForFunction(({ sel, price }) => document.querySelector(`${sel} p.meta`).textContent.endsWith(`price ${price}`),
      { sel: version, price: req.newPrice });
    await tabAndPress(page, 'Delist ', 'Enter', { max: 150 });
    await page.locator(`${version}[data-status="delisted"]`).waitFor({ timeout: 60000 });
    const afterDelisting = await page.locator(`${version} p.meta`).innerText();
    await shoot(page, req.screenshots, 'c7b-repriced-and-delisted', shots);

    // the other operator pages, signed in
    for (const [name, hash] of [['operator-activity-signed-in', '#/operator/activity'],
      ['operator-campaigns-signed-in', '#/operator/campaigns']]) {
      await page.goto(`${req.baseUrl}/${hash}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await audit(name);
    }
    // the rest of the app's pages with data in them
    for (const [name, hash] of [['contribute-campaign', `#/contribute/${campaignId}`], ['buy-dataset', `#/buy/${datasetId}`]]) {
      await page.goto(`${req.baseUrl}/${hash}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await audit(name);
    }
    const activity = await page.goto(`${req.baseUrl}/#/operator/activity`).then(() =>
      page.locator('table.activity tbody tr').first().waitFor()).then(() =>
      page.locator('table.activity tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.action)));
    await shoot(page, req.screenshots, 'c8-activity', shots);

    // a contributor's session: every operator page says so instead of showing data
    await page.goto(`${req.baseUrl}/#/operator/activity`);
    await tabAndPress(page, 'Sign out', 'Enter', { shift: true });
    await page.locator('#signin-title').waitFor();
    await tabAndPress(page, 'Import a key');
    await page.locator('#import-key-text').focus();
    await page.keyboard.type(req.contributorKey);
    await tabAndPress(page, 'Import and sign in');
    await page.locator('[data-testid="not-operator"]').waitFor();
    const contributorPages = {};
    for (const [name, hash] of [['operator-activity', '#/operator/activity'], ['operator-campaigns', '#/operator/campaigns'],
      ['operator-new', '#/operator/new'], ['operator-campaign', `#/operator/campaigns/${campaignId}`]]) {
      await page.goto(`${req.baseUrl}/${hash}`);
      await page.locator('[data-testid="not-operator"]').waitFor();
      await page.waitForLoadState('networkidle');
      contributorPages[name] = { notOperator: await page.locator('[data-testid="not-operator"]').count(),
        data: await page.locator('main table, main canvas, main form.new-campaign, [data-testid="progress-figures"], ul.overview').count() };
    }
    await audit('operator-not-an-operator');

    return { campaignId, formErrors, csv, upload, rejected, progressBefore, progressAfter, chartBefore, chartAfter,
      belowFloor, accuracyChart, confusion, drill, previews, preview, datasetId, sales, afterDelisting, activity, signInPages, contributorPages, axe, unnamedControls,
      problems, screenshots: shots };
  } catch (e) {
    fs.mkdirSync(req.screenshots, { recursive: true });
    await page.screenshot({ path: path.join(req.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
    e.message += ` [problems: ${JSON.stringify(problems)}]`;
    throw e;
  } finally {
    await browser.close();
  }
});
