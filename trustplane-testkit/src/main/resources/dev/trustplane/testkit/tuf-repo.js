// Writes a TUF repository for tests with tuf-js's own metadata model (@tufjs/models, which signs
// the canonical JSON as every TUF implementation does): root v1 (one ed25519 key) rotated to
// root v2 (2 of 3 keys: two ECDSA P-256, one ed25519; cross-signed by v1's key), timestamp v3,
// snapshot v2, targets v2 (2 of 2 keys), consistent snapshots, and the target trusted_root.json
// under its hash-prefixed name. An ATTACK name spoils one part the way an attacker or a stale
// mirror would; "rollback" writes a second repository with the same keys and older versions
// under OUT/rollback. Keys never leave the process.
//
// Usage: node tuf-repo.js OUT TARGET_FILE [ATTACK]
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { canonicalize } = require('@tufjs/canonical-json');
const { Metadata, Root, Timestamp, Snapshot, Targets, Key, MetaFile, TargetFile, Signature } = require('@tufjs/models');

const [out, targetFile, attack = 'none'] = process.argv.slice(2);
const DAY = 24 * 3600 * 1000;
const expires = (days) => new Date(Date.now() + days * DAY).toISOString().replace(/\.\d+Z$/, 'Z');

function keyPair(type) {
  const pair = type === 'ed25519' ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const meta = type === 'ed25519'
    ? { keytype: 'ed25519', scheme: 'ed25519',
        keyval: { public: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex') } }
    : { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256',
        keyval: { public: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString() } };
  const keyID = crypto.createHash('sha256').update(canonicalize(meta)).digest('hex');
  const key = new Key({ keyID, keyType: meta.keytype, scheme: meta.scheme, keyVal: meta.keyval });
  const sign = (data) => new Signature({ keyID,
    sig: crypto.sign(type === 'ed25519' ? null : 'sha256', data, pair.privateKey).toString('hex') });
  return { key, sign, keyID };
}

const keys = {
  root1: keyPair('ed25519'),
  root2: [keyPair('ecdsa'), keyPair('ecdsa'), keyPair('ed25519')],
  timestamp: keyPair('ecdsa'),
  snapshot: keyPair('ed25519'),
  targets: [keyPair('ed25519'), keyPair('ecdsa')],
};

function root(version, rootKeys, threshold, days) {
  const r = new Root({ version, specVersion: '1.0.31', expires: expires(days), consistentSnapshot: true });
  for (const k of rootKeys) r.addKey(k.key, 'root');
  r.roles.root.threshold = threshold;
  r.addKey(keys.timestamp.key, 'timestamp');
  r.addKey(keys.snapshot.key, 'snapshot');
  for (const k of keys.targets) r.addKey(k.key, 'targets');
  r.roles.targets.threshold = 2;
  return new Metadata(r);
}

const json = (md) => Buffer.from(JSON.stringify(md.toJSON(), null, 1));
const metaFile = (version, bytes) => new MetaFile({ version, length: bytes.length,
  hashes: { sha256: crypto.createHash('sha256').update(bytes).digest('hex') } });

function write(dir, versions) {
  fs.mkdirSync(path.join(dir, 'targets'), { recursive: true });
  const target = fs.readFileSync(targetFile);
  const sha256 = crypto.createHash('sha256').update(target).digest('hex');
  const sha512 = crypto.createHash('sha512').update(target).digest('hex');

  const root1 = root(1, [keys.root1], 1, 365);
  root1.sign(keys.root1.sign);
  const root2 = root(2, keys.root2, 2, attack === 'expired-root' ? -1 : 365);
  if (attack !== 'root-not-cross-signed') root2.sign(keys.root1.sign, true);
  root2.sign(keys.root2[0].sign, true);
  root2.sign(keys.root2[2].sign, true);
  fs.writeFileSync(path.join(dir, '1.root.json'), json(root1));
  fs.writeFileSync(path.join(dir, 'bootstrap-root.json'), json(root1));
  fs.writeFileSync(path.join(dir, '2.root.json'), json(root2));

  const targets = new Metadata(new Targets({ version: versions.targets, specVersion: '1.0.31', expires: expires(90) }));
  targets.signed.addTarget(new TargetFile({ path: 'trusted_root.json', length: target.length,
    hashes: { sha256, sha512 } }));
  targets.sign(keys.targets[0].sign);
  if (attack === 'targets-duplicate-signature') targets.sign(keys.targets[0].sign, true);
  else if (attack !== 'targets-below-threshold') targets.sign(keys.targets[1].sign, true);
  const targetsBytes = json(targets);
  fs.writeFileSync(path.join(dir, `${versions.targets}.targets.json`), targetsBytes);

  const snapshot = new Metadata(new Snapshot({ version: versions.snapshot, specVersion: '1.0.31', expires: expires(30),
    meta: { 'targets.json': metaFile(versions.targets, targetsBytes) } }));
  snapshot.sign(keys.snapshot.sign);
  const snapshotBytes = json(snapshot);
  fs.writeFileSync(path.join(dir, `${versions.snapshot}.snapshot.json`), snapshotBytes);

  const timestamp = new Metadata(new Timestamp({ version: versions.timestamp, specVersion: '1.0.31',
    expires: expires(attack === 'expired-timestamp' ? -1 : 1),
    snapshotMeta: metaFile(versions.snapshot, attack === 'snapshot-hash-mismatch'
      ? Buffer.concat([snapshotBytes, Buffer.from(' ')]) : snapshotBytes) }));
  timestamp.sign(attack === 'timestamp-wrong-key' ? keys.snapshot.sign : keys.timestamp.sign);
  fs.writeFileSync(path.join(dir, 'timestamp.json'), json(timestamp));

  const stored = attack === 'tampered-target' ? Buffer.concat([target, Buffer.from('\n')]) : target;
  fs.writeFileSync(path.join(dir, 'targets', `${sha256}.trusted_root.json`), stored);
  fs.writeFileSync(path.join(dir, 'targets', `${sha512}.trusted_root.json`), stored);
}

write(out, { timestamp: 3, snapshot: 2, targets: 2 });
if (attack === 'rollback') write(path.join(out, 'rollback'), { timestamp: 2, snapshot: 1, targets: 1 });
