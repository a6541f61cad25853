#!/usr/bin/env node
// The answer strings the browser app signs, computed in node by the app's own modules
// (frontend-api/web/src/answers, canonical.js), bundled by esbuild exactly as build-web.js bundles
// them for the browser. A Java test compares them with the service's RFC 8785 canonicalizer.
// stdin:  {canonical: [any JSON value], answers: [{type, value, labels?, settings?}]}
// stdout: {canonical: [{json} | {error}], answers: [{answer} | {problem} | {error}]}
'use strict';
const path = require('path');
const esbuild = require('esbuild');

const srcDir = path.resolve(__dirname, '..', 'frontend-api', 'web', 'src');

function load() {
  const out = esbuild.buildSync({
    stdin: {
      contents: "export * from './answers/index.js'; export { canonicalJson } from './canonical.js';",
      resolveDir: srcDir,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    nodePaths: [path.join(__dirname, 'node_modules')],
    logLevel: 'warning',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  const app = load();
  const attempt = (f) => {
    try {
      return f();
    } catch (e) {
      return e instanceof app.AnswerProblem ? { problem: e.message } : { error: `${e.name}: ${e.message}` };
    }
  };
  const canonical = (req.canonical || []).map((v) => attempt(() => ({ json: app.canonicalJson(v) })));
  const answers = (req.answers || []).map((a) => attempt(() => {
    const type = app.answerType(a.type);
    if (!type) throw new Error(`no answer type ${a.type}`);
    const ctx = app.answerContext(type, { labels: a.labels || [], settings: a.settings || {} }, null);
    return { answer: type.answer(a.value, ctx) };
  }));
  process.stdout.write(JSON.stringify({ canonical, answers }));
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }));
  process.exitCode = 1;
});
