/**
 * The demo page (demo/web/, `npm run demo:web`) driven in Chromium as a person would: create a snapshot, recover
 * a mnemonic, show the first addresses (the fixture README's), sign (node:crypto verifies), save, download; then
 * a screenshot after signing, whose path the test prints (STRONGHOLD_TEST_OUTPUT names the folder).
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { demoMounts } from '../../scripts/web-server.js';
import { IOTA_FIXTURES } from '../iota-sdk-fixtures.js';
import { browserSession, skipReason } from './harness.js';

const session = browserSession(demoMounts());
const CHRYSALIS = IOTA_FIXTURES.find((f) => f.file === 'chrysalis-backup-work-factor-0.stronghold')!;
const OUTPUT = process.env.STRONGHOLD_TEST_OUTPUT ?? join(tmpdir(), 'stronghold-test-output');

describe('the demo page in Chromium', { skip: skipReason }, () => {
  test('create, recover, addresses, sign, save, download; a screenshot after signing', async (t) => {
    const page = session.page;
    await page.setViewport({ width: 900, height: 1300 });
    await page.goto(`${session.origin}/`);
    const waitStatus = async (text: string) => {
      await page.waitForFunction((s: string) => document.getElementById('status')!.textContent!.includes(s), { timeout: 30_000 }, text);
    };
    await page.$eval('#name', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#name', 'demo.stronghold');
    await page.type('#password', 'demo password');
    await page.click('#create');
    await waitStatus('Opened demo.stronghold');
    await page.type('#mnemonic', CHRYSALIS.mnemonic!);
    await page.click('#recover');
    await waitStatus('Seed stored');
    assert.equal(await page.$eval('#mnemonic', (e) => (e as HTMLTextAreaElement).value), '', 'the page clears the mnemonic');
    await page.select('#coin', '4218');
    await page.click('#addresses');
    await waitStatus('First three addresses');
    const addresses = await page.$$eval('#address-list li', (lis) => lis.map((li) => li.textContent));
    assert.equal(addresses.length, 3);
    assert.equal(addresses[0], CHRYSALIS.addresses[0]!.address, 'address 0 is the fixture README\'s m/44\'/4218\'/0\'/0\'/0\'');
    await page.click('#sign');
    await waitStatus('Signed');
    const pub = await page.$eval('#public-key', (e) => e.textContent!);
    const sig = await page.$eval('#signature', (e) => e.textContent!);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pub, 'hex')]);
    assert.ok(verify(null, Buffer.from('hello from the browser'), createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(sig, 'hex')));
    mkdirSync(OUTPUT, { recursive: true });
    const shot = join(OUTPUT, 'demo-after-signing.png');
    await page.screenshot({ path: shot as `${string}.png`, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    console.log(`demo screenshot: ${shot}`);
    await page.click('#save');
    await waitStatus('Saved to OPFS');
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: session.scratch, eventsEnabled: true });
    const done = new Promise<string>((resolve) => cdp.on('Browser.downloadProgress', (e) => e.state === 'completed' && resolve(e.guid)));
    await page.click('#download');
    await waitStatus('Downloading');
    const guid = await Promise.race([done, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no download')), 15_000))]);
    assert.deepEqual([...readFileSync(join(session.scratch, guid)).subarray(0, 5)], [0x50, 0x41, 0x52, 0x54, 0x49], 'the download is a snapshot');
    await cdp.detach();
  });

  test('the page logged no error', () => assert.deepEqual(session.errors, []));
});
