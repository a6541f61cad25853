#!/usr/bin/env node
// Browser test: a photo contributed. A contributor signs in with a key created in the browser,
// consents, and in an image campaign first takes a photo larger than the campaign takes (refused in
// the page with the limit, nothing sent), then takes a photo (a PNG through the capture input, as a phone's
// camera hands it over), then chooses another image instead (a JPEG through the plain file input);
// the preview shows the chosen picture decoded, the upload shows its hashes, and "Sign and submit"
// sends the answer naming it. axe-core runs on each step's page; screenshots at 1280 and 375 px.
// stdin: {baseUrl, campaignId, photo: {tooLarge, png, jpeg}, screenshots, timeoutMs?}
//   (tooLarge, png, jpeg: paths of image files)
// stdout: {ok, contributor, itemId, keccak, tooLarge, previews, uploadRequests, axe, unnamedControls, problems, screenshots}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, newPage, shoot, accessibility, signInAndConsent, main } = require('./browser');

main(async (req) => {
  const timeout = req.timeoutMs || 90000;
  const shots = [];
  const axe = {};
  const unnamedControls = {};
  const previews = {};
  const uploadRequests = [];
  const browser = await launch();
  let problems = null;

  async function audit(page, name) {
    const found = await accessibility(page, 'button, a, input, select, textarea, img');
    axe[name] = found.violations;
    unnamedControls[name] = found.unnamed;
  }

  /** The preview as the page decoded it: its size in pixels and where it comes from. */
  const preview = (page) => page.getByTestId('photo-preview').evaluate(async (img) => {
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight, src: img.currentSrc.slice(0, 5) };
  });

  try {
    const opened = await newPage(browser);
    const page = opened.page;
    problems = opened.problems;
    page.setDefaultTimeout(timeout);
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/campaigns\/\d+\/uploads/.test(r.url())) uploadRequests.push(r.url());
    });

    const contributor = await signInAndConsent(page, `${req.baseUrl}/#/contribute/${req.campaignId}`);
    await page.locator('.item [data-item-id]').waitFor();
    const itemId = Number(await page.locator('.item [data-item-id]').getAttribute('data-item-id'));
    await shoot(page, req.screenshots, '01-photo-task', shots);
    await audit(page, 'photo-task');

    // a photo over the campaign's maxBytes: said at once, with the limit, and it cannot be sent
    await page.getByTestId('take-photo').setInputFiles(req.photo.tooLarge);
    await page.getByTestId('upload-error').waitFor();
    const uploadButton = page.getByRole('button', { name: 'Upload the file' });
    const tooLarge = { message: await page.getByTestId('upload-error').innerText(),
      uploadDisabled: await uploadButton.isDisabled() };
    await uploadButton.click({ force: true }).catch(() => {});
    await page.waitForTimeout(300);
    tooLarge.requests = uploadRequests.length;
    await shoot(page, req.screenshots, '02-photo-too-large', shots);
    await audit(page, 'photo-too-large');

    // "Take a photo": the capture input, which a phone answers with its camera
    await page.getByTestId('take-photo').setInputFiles(req.photo.png);
    tooLarge.clearedByNextPhoto = await page.getByTestId('upload-error').waitFor({ state: 'detached', timeout: 5000 })
      .then(() => true, () => false);
    previews.taken = await preview(page);
    previews.takenCaption = await page.locator('.preview .meta').innerText();

    // "Choose an image" instead: the new file replaces the first, nothing was sent yet
    await page.getByTestId('choose-image').setInputFiles(req.photo.jpeg);
    await page.waitForFunction(() => /\.jpg/.test(document.querySelector('.preview .meta')?.textContent || ''));
    previews.chosen = await preview(page);
    previews.chosenCaption = await page.locator('.preview .meta').innerText();
    previews.requestsBeforeUpload = uploadRequests.length;
    await shoot(page, req.screenshots, '03-photo-preview', shots);
    await audit(page, 'photo-preview');

    await page.getByRole('button', { name: 'Upload the file' }).click();
    await page.getByTestId('uploaded').waitFor();
    const keccak = await page.getByTestId('keccak').innerText();
    await shoot(page, req.screenshots, '04-photo-uploaded', shots);
    await audit(page, 'photo-uploaded');

    await page.getByRole('button', { name: 'Sign and submit' }).click();
    await page.waitForFunction((id) => (document.querySelector('.outcome')?.textContent || '').startsWith(`Item ${id}:`), itemId);
    const outcome = await page.locator('.outcome').innerText();
    if (!/submitted \(/.test(outcome)) throw new Error(`item ${itemId} was not accepted: ${outcome}`);
    await shoot(page, req.screenshots, '05-photo-submitted', shots);

    return { contributor, itemId, keccak, outcome, tooLarge, previews, uploadRequests, axe, unnamedControls, problems,
      screenshots: shots };
  } catch (e) {
    fs.mkdirSync(req.screenshots, { recursive: true });
    const pages = browser.contexts().flatMap((c) => c.pages());
    await Promise.all(pages.map((p, i) => p.screenshot({ path: path.join(req.screenshots, `failure-${i}.png`), fullPage: true }).catch(() => {})));
    throw new Error(`${e && e.stack || e} [problems: ${JSON.stringify(problems)}]`);
  } finally {
    await browser.close();
  }
});
