#!/usr/bin/env node
// Builds the browser app (frontend-api/web) with esbuild into <out>: index.html plus content-hashed
// assets under <out>/assets, which the service serves at / (and caches for a year: a changed file
// gets a new name). Every script comes from packages pinned in package-lock.json; nothing is
// fetched at run time. Skips the build when the fingerprint of its inputs (the sources, the lock
// file, this script) is the one recorded with the last build.
//   node build-web.js [OUT_DIR] [--force]    (default OUT_DIR: target/classes/labelledger/web)
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'frontend-api', 'web');
const outArg = process.argv.slice(2).find((a) => !a.startsWith('--'));
const outDir = path.resolve(outArg || path.join(root, 'target', 'classes', 'labelledger', 'web'));
const FINGERPRINT = '.fingerprint';

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  }).sort();
}

function fingerprint() {
  const hash = crypto.createHash('sha256');
  for (const f of [__filename, path.join(__dirname, 'package-lock.json'), ...listFiles(srcDir)]) {
    hash.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return hash.digest('hex');
}

function sri(file) {
  return 'sha384-' + crypto.createHash('sha384').update(fs.readFileSync(file)).digest('base64');
}

async function main() {
  const wanted = fingerprint();
  const recorded = path.join(outDir, FINGERPRINT);
  if (!process.argv.includes('--force') && fs.existsSync(recorded)
      && fs.readFileSync(recorded, 'utf8') === wanted && fs.existsSync(path.join(outDir, 'index.html'))) {
    console.log(`web app up to date in ${path.relative(root, outDir)}`);
    return;
  }
  // a node_modules installed before a package was added to package.json: say so instead of esbuild's
  // "Could not resolve" for one import
  const missing = Object.keys(require('./package.json').dependencies)
    .filter((d) => !fs.existsSync(path.join(__dirname, 'node_modules', d, 'package.json')));
  if (missing.length) {
    console.error(`${missing.join(', ')} not installed in node/node_modules: run \`npm ci\` in node/ (package-lock.json pins them)`);
    process.exit(1);
  }
  const esbuild = require('esbuild');
  const started = Date.now();
  // Built next to the output and swapped in at the end, so a running service never serves half a build.
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: path.join(srcDir, 'src', 'main.jsx') },
    outdir: path.join(tmpDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    legalComments: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    nodePaths: [path.join(__dirname, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint && o.endsWith('.js'));
  const css = outputs[entry].cssBundle;
  if (!entry || !css) throw new Error('esbuild produced no app script or stylesheet');
  const rel = (o) => path.relative(tmpDir, path.resolve(root, o)).split(path.sep).join('/');

  for (const f of fs.readdirSync(path.join(srcDir, 'static'))) {
    fs.copyFileSync(path.join(srcDir, 'static', f), path.join(tmpDir, f));
  }
  // the chunks the entry imports statically are fetched with it, not after it has been parsed
  const preload = outputs[entry].imports.filter((i) => i.kind === 'import-statement')
    .map((i) => `<link rel="modulepreload" href="/${rel(i.path)}" integrity="${sri(path.resolve(root, i.path))}">`)
    .join('\n  ');
  const html = fs.readFileSync(path.join(srcDir, 'index.html'), 'utf8')
    .replace('{{preload}}', preload)
    .replace('{{app.js}}', rel(entry))
    .replace('{{app.js.integrity}}', sri(path.resolve(root, entry)))
    .replace('{{app.css}}', rel(css))
    .replace('{{app.css.integrity}}', sri(path.resolve(root, css)));
  if (/\{\{[^}]*\}\}/.test(html)) throw new Error('index.html has an unknown placeholder');
  fs.writeFileSync(path.join(tmpDir, 'index.html'), html);
  fs.writeFileSync(path.join(tmpDir, FINGERPRINT), wanted);

  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(tmpDir, outDir);
  const sizes = Object.entries(outputs).filter(([o]) => !o.endsWith('.txt'))
    .map(([o, v]) => `${path.basename(o)} ${(v.bytes / 1024).toFixed(0)} KiB`).join(', ');
  console.log(`web app built in ${Date.now() - started} ms into ${path.relative(root, outDir)}: ${sizes}`);
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
