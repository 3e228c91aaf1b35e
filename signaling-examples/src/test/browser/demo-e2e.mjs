// Drives the browser demo in headless Chromium: two pages (one browser context each) join the
// signaling server, open a WebRTC data channel and chat both ways; then both leave the signaling
// server and chat again, which only works peer to peer.
//
// Run by BrowserDemoTest (JUnit), which starts the servers, reads this script's stdout and
// answers on its stdin:
//   node demo-e2e.mjs <page-url> <output-dir>
// stdout, one line each:
//   STEP <what>                progress
//   WAIT <what>                waits for one line on stdin before going on
//   RESULT <json>              what each page showed at the end; exit status 0
//   ERROR <message>            exit status 1
// Environment: CHROMIUM (default /usr/bin/chromium), STEP_TIMEOUT_MS (default 30000), and
// BRIDGE=<port>=<unix-socket>,... when the test runs this script (and so Chromium) in a network
// namespace of its own that has only `lo`: each named port on 127.0.0.1 is then forwarded to a
// Unix socket that the test bridges to its servers. With BRIDGE set, the script checks that `lo`
// is the only interface, so WebRTC can only ever use loopback.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const [pageUrl, outDir] = process.argv.slice(2);
const executable = process.env.CHROMIUM || '/usr/bin/chromium';
const stepTimeout = Number(process.env.STEP_TIMEOUT_MS || 30000);

// Chromium is started here rather than by chromium.launch(), so that its whole command line is
// in one place: Playwright appends a caller's --disable-features after its own, and Chromium
// keeps only the last occurrence of a switch, so the two lists cannot both be given that way.
const FLAGS = [
  // Headless, as root, on a machine without GPU or internet (see /work/shared/BROWSER-WEBRTC.md).
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--password-store=basic',
  // Loopback WebRTC: gather 127.0.0.1 / ::1 host candidates. Chromium also needs the page to hold
  // media permission before it enumerates interfaces: granted per context below, and this flag
  // accepts any prompt.
  '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // One list: plain IP host candidates instead of *.local names (which need multicast DNS), and
  // the features that phone home.
  '--disable-features=WebRtcHideLocalIpsWithMdns,OptimizationHints,NetworkTimeServiceQuerying,'
    + 'MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,'
    + 'InterestFeedContentSuggestions,PreconnectToSearch,AimEnabled,HttpsUpgrades',
  // Pages in other contexts count as background: keep their timers and rendering at full speed.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--hide-scrollbars',
  '--mute-audio',
];

const say = (line) => process.stdout.write(line + '\n');
const step = (what) => say('STEP ' + what);

const stdinLines = readline.createInterface({ input: process.stdin });
const pendingLines = [];
const lineWaiters = [];
stdinLines.on('line', (line) => {
  const waiter = lineWaiters.shift();
  if (waiter) {
    waiter(line);
  } else {
    pendingLines.push(line);
  }
});

function nextStdinLine(what) {
  say('WAIT ' + what);
  if (pendingLines.length) {
    return Promise.resolve(pendingLines.shift());
  }
  return withTimeout(new Promise((resolve) => lineWaiters.push(resolve)), 'an answer on stdin to ' + what);
}

function withTimeout(promise, what, millis = stepTimeout) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out after ' + millis + ' ms waiting for ' + what)), millis);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Listens on 127.0.0.1:<port> and passes every connection to its Unix socket. */
async function startBridges(spec) {
  const servers = [];
  for (const entry of spec.split(',').filter(Boolean)) {
    const [port, path] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
    const server = net.createServer((client) => {
      const upstream = net.connect(path);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), '127.0.0.1', resolve);
    });
    servers.push(server);
  }
  return servers;
}

async function startChromium() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'signaling-demo-chromium-'));
  const child = spawn(executable, [...FLAGS, '--user-data-dir=' + userDataDir, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const endpoint = await withTimeout(new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error('cannot start ' + executable + ': ' + e.message)));
    child.on('exit', (code) => reject(new Error(executable + ' exited with ' + code + ' before it was ready:\n' + stderr)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20000);
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        resolve(match[1]);
      }
    });
  }), 'Chromium to start');
  child.stderr.resume(); // keep draining, or Chromium could block on a full pipe
  return { child, userDataDir, endpoint };
}

async function stopChromium(chromiumProcess) {
  if (!chromiumProcess) {
    return;
  }
  const { child, userDataDir } = chromiumProcess;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
  // Chromium's helper processes (crashpad, zygote) may still be writing to the profile for a
  // moment after the browser process exited: rm retries on ENOTEMPTY/EBUSY.
  await rm(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/** What a page shows: read from the DOM, the way a person would read it. */
async function observe(page) {
  return page.evaluate(() => {
    const status = document.getElementById('status');
    const hint = document.getElementById('hint');
    return {
      nodeId: document.body.dataset.nodeId || null,
      status: { state: status.dataset.state, text: status.textContent },
      participants: Array.from(document.querySelectorAll('#participants li[data-node-id]'), (li) => ({
        username: li.dataset.username,
        peerState: li.dataset.peerState || null,
        text: li.textContent,
      })),
      chatTitle: document.getElementById('chat-title').textContent,
      messages: Array.from(document.querySelectorAll('#messages li'), (li) => ({
        kind: li.className,
        from: li.dataset.from || null,
        text: li.querySelector('.text') ? li.querySelector('.text').textContent : li.textContent,
      })),
      hint: hint.hidden ? null : hint.textContent,
    };
  }).then(async (shown) => ({ ...shown, candidatePairs: await page.evaluate(() => window.webrtcDemo.selectedCandidatePairs()) }));
}

async function openPage(browser, name, errors) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 560 } });
  // Media permission makes Chromium enumerate the loopback interface for ICE (see FLAGS).
  await context.grantPermissions(['camera', 'microphone'], { origin: new URL(pageUrl).origin });
  const page = await context.newPage();
  page.setDefaultTimeout(stepTimeout);
  page.on('pageerror', (e) => errors.push(name + ': ' + e.message));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(name + ' console: ' + message.text());
    }
  });
  const url = new URL(pageUrl);
  url.searchParams.set('name', name);
  await page.goto(url.toString());
  await page.click('#join');
  await page.waitForSelector('#status[data-state="online"]');
  return page;
}

async function chat(from, to, fromName, text) {
  await from.fill('#message', text);
  await from.click('#send');
  await to.locator('#messages li.theirs', { hasText: text }).waitFor();
  step(fromName + ' -> ' + text);
}

async function screenshots(browser, alice, bob) {
  const alicePng = await alice.screenshot({ path: join(outDir, 'alice.png') });
  const bobPng = await bob.screenshot({ path: join(outDir, 'bob.png') });
  // Both pages side by side in one picture, for the README.
  const context = await browser.newContext({ viewport: { width: 1640, height: 520 } });
  const page = await context.newPage();
  const img = (png, name) => '<figure><figcaption>' + name + '</figcaption><img src="data:image/png;base64,'
    + png.toString('base64') + '"></figure>';
  await page.setContent('<!doctype html><style>body{margin:0;padding:12px;background:#c9d0dc;display:flex;gap:12px;'
    + 'font:14px system-ui,sans-serif}figure{margin:0;background:#fff;border-radius:6px;overflow:hidden;'
    + 'box-shadow:0 1px 4px #0003}figcaption{padding:6px 10px;color:#5d6677}img{display:block;width:800px}</style>'
    + img(alicePng, 'Alice’s browser') + img(bobPng, 'Bob’s browser'));
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
  await page.screenshot({ path: join(outDir, 'browser-demo.png'), fullPage: true });
  await context.close();
}

async function main() {
  if (!pageUrl || !outDir) {
    throw new Error('usage: node demo-e2e.mjs <page-url> <output-dir>');
  }
  let chromiumProcess = null;
  let browser = null;
  let bridges = [];
  const interfaces = Object.keys(networkInterfaces()).sort();
  try {
    if (process.env.BRIDGE) {
      if (interfaces.join(',') !== 'lo') {
        throw new Error('BRIDGE is set, but this network namespace has interfaces ' + interfaces.join(', ')
          + ': run the script inside `unshare --net`');
      }
      bridges = await startBridges(process.env.BRIDGE);
      step('network namespace with only lo; bridged ports ' + process.env.BRIDGE);
    }
    chromiumProcess = await startChromium();
    browser = await withTimeout(chromium.connectOverCDP(chromiumProcess.endpoint), 'the DevTools connection');
    step('chromium ' + browser.version());

    const errors = [];
    const alice = await openPage(browser, 'Alice', errors);
    const bob = await openPage(browser, 'Bob', errors);
    step('both joined');

    await alice.waitForSelector('#participants li[data-username="Bob"]');
    await bob.waitForSelector('#participants li[data-username="Alice"]');
    step('each lists the other');

    await alice.click('#participants li[data-username="Bob"] button');
    await alice.waitForSelector('#participants li[data-username="Bob"][data-peer-state="open"]');
    await bob.waitForSelector('#participants li[data-username="Alice"][data-peer-state="open"]');
    await alice.waitForSelector('#message:enabled');
    await bob.waitForSelector('#message:enabled');
    step('data channel open on both sides');

    await chat(alice, bob, 'Alice', 'Hi Bob! This goes over the data channel.');
    await chat(bob, alice, 'Bob', 'Hi Alice, got it.');

    await alice.click('#leave-server');
    await bob.click('#leave-server');
    await alice.waitForSelector('#status[data-state="offline"]');
    await bob.waitForSelector('#status[data-state="offline"]');
    step('both pages closed their signaling WebSocket');
    await nextStdinLine('signaling-closed');

    await chat(alice, bob, 'Alice', 'The signaling server is gone, and we can still talk.');
    await chat(bob, alice, 'Bob', 'Peer to peer, as promised.');

    await screenshots(browser, alice, bob);
    step('screenshots saved');

    const result = { alice: await observe(alice), bob: await observe(bob), errors, interfaces };
    await writeFile(join(outDir, 'result.json'), JSON.stringify(result, null, 2));
    say('RESULT ' + JSON.stringify(result));
  } finally {
    if (browser) {
      await browser.close().catch(() => {});
    }
    await stopChromium(chromiumProcess);
    bridges.forEach((server) => server.close());
    stdinLines.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    say('ERROR ' + String(e && e.stack ? e.stack : e).replace(/\n/g, ' | '));
    process.exit(1);
  });
