// `npm test`: the type check and the unit tier side by side (neither keeps both cores busy alone),
// then the e2e tier. The type check's output is held until it ends so it does not cut into the
// unit tier's; any step failing fails the run, and the e2e tier runs only after both passed.
import { spawn } from 'node:child_process';

/** Runs `npm run <script>`; with `hold`, its output is kept and returned instead of shown. */
function npmRun(script, { hold = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (hold) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

const typecheck = npmRun('typecheck', { hold: true }).then((result) => {
  process.stdout.write(result.code === 0 ? `\nType check passed (${seconds()}).\n` : `\nType check failed:\n${result.output}\n`);
  return result.code;
});
const unit = await npmRun('test:unit');
if ((await typecheck) !== 0 || unit.code !== 0) process.exit(1);
const e2e = await npmRun('test:e2e');
process.stdout.write(`\nnpm test: ${e2e.code === 0 ? 'passed' : 'failed'} in ${seconds()}.\n`);
process.exit(e2e.code);
