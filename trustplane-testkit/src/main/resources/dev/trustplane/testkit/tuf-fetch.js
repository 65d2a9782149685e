// The reference check: tuf-js's Updater (the TUF client sigstore-js uses) fetches
// trusted_root.json from METADATA_URL with ROOT as its trusted root, caching in DIR.
// Exit 0 and the target's path on success, 1 and the error otherwise.
//
// Usage: node tuf-fetch.js METADATA_URL TARGET_URL ROOT DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { Updater } = require('tuf-js');

const [metadataBaseUrl, targetBaseUrl, root, dir] = process.argv.slice(2);
fs.mkdirSync(path.join(dir, 'metadata'), { recursive: true });
fs.mkdirSync(path.join(dir, 'targets'), { recursive: true });
if (!fs.existsSync(path.join(dir, 'metadata', 'root.json'))) {
  fs.copyFileSync(root, path.join(dir, 'metadata', 'root.json'));
}
(async () => {
  const updater = new Updater({ metadataBaseUrl, targetBaseUrl, metadataDir: path.join(dir, 'metadata'),
    targetDir: path.join(dir, 'targets') });
  await updater.refresh();
  const info = await updater.getTargetInfo('trusted_root.json');
  if (!info) throw new Error('no trusted_root.json target');
  console.log(await updater.downloadTarget(info));
})().catch((e) => { console.error(e.message || e); process.exit(1); });
