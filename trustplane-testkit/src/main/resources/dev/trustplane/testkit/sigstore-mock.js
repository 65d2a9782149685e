// A local Fulcio (v2 API, plus the v1 API cosign 2 speaks) and Rekor (v1 API) for tests, built on the
// handlers of the npm package @sigstore/mock, plus an RFC 3161 timestamp authority (/api/v1/timestamp). Usage: node sigstore-mock.js OUT_DIR [REKOR_CLOCK_OFFSET_SECONDS]
// (an offset makes Rekor date its entries that far from now, outside the 10-minute certificates).
// Writes OUT_DIR/trusted_root.json, fulcio-root.pem, rekor.pub and ctlog.pub, then prints
// {"port":N} on one line and serves on 127.0.0.1:N until killed.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler } = require('@sigstore/mock');

const outDir = process.argv[2];
const rekorOffset = Number(process.argv[3] || 0);
const pem = (type, der) => `-----BEGIN ${type}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g).join('\n')}\n-----END ${type}-----\n`;
const keyPair = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function main() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const url = `http://127.0.0.1:${port}`;
  const ctLog = await initializeCTLog(keyPair());
  const ca = await initializeCA(keyPair(), ctLog);
  const tlogKeys = keyPair();
  const tlog = await initializeTLog(url, tlogKeys, rekorOffset ? new Date(Date.now() + rekorOffset * 1000) : undefined);
  const tsa = await initializeTSA(keyPair());
  const timestamps = tsaHandler(tsa);
  const fulcio = fulcioHandler(ca);
  const rekor = rekorHandler(tlog);

  const start = new Date(Date.now() - 60_000 + Math.min(0, rekorOffset) * 1000 - 60_000).toISOString();
  const rootDer = Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength);
  const tlogDer = tlogKeys.publicKey.export({ format: 'der', type: 'spki' });
  const ctDer = Buffer.from(ctLog.publicKey);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: url, hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: tlogDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
      logId: { keyId: crypto.createHash('sha256').update(tlogDer).digest('base64') },
    }],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: url,
      certChain: { certificates: [{ rawBytes: rootDer.toString('base64') }] }, validFor: { start },
    }],
    ctlogs: [{
      baseUrl: url, hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: ctDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
      logId: { keyId: Buffer.from(ctLog.logID.buffer, ctLog.logID.byteOffset, ctLog.logID.byteLength).toString('base64') },
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' }, uri: url,
      certChain: { certificates: [tsa.intCertificate, tsa.rootCertificate].map((c) => ({
        rawBytes: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64') })) },
      validFor: { start },
    }],
  };
  fs.writeFileSync(path.join(outDir, 'trusted_root.json'), JSON.stringify(trustedRoot, null, 2));
  fs.writeFileSync(path.join(outDir, 'fulcio-root.pem'), pem('CERTIFICATE', rootDer));
  fs.writeFileSync(path.join(outDir, 'rekor.pub'), pem('PUBLIC KEY', tlogDer));
  fs.writeFileSync(path.join(outDir, 'ctlog.pub'), pem('PUBLIC KEY', ctDer));

  server.on('request', (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      try {
        const route = `${req.method} ${req.url.split('?')[0]}`;
        if (route === 'POST /api/v2/signingCert') {
          return send(res, await fulcio.fn(body));
        }
        if (route === 'POST /api/v1/signingCert') {
          // cosign 2: {publicKey: {content: base64 PEM or DER}, signedEmailAddress}, token in Authorization
          const v1 = JSON.parse(body);
          const token = (req.headers.authorization || '').replace(/^Bearer /, '');
          let key = Buffer.from(v1.publicKey.content, 'base64');
          const keyPem = key.toString().startsWith('-----BEGIN') ? key.toString() : pem('PUBLIC KEY', key);
          const v2 = await fulcio.fn(JSON.stringify({
            credentials: { oidcIdentityToken: token },
            publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: keyPem }, proofOfPossession: v1.signedEmailAddress },
          }));
          if (v2.statusCode !== 201) {
            return send(res, v2);
          }
          const chain = JSON.parse(v2.response).signedCertificateEmbeddedSct.chain.certificates.join('');
          return send(res, { statusCode: 201, response: chain, contentType: 'application/pem-certificate-chain' });
        }
        if (route === 'POST /api/v1/timestamp') {
          return send(res, await timestamps.fn(body));
        }
        if (route === 'POST /api/v1/log/entries') {
          return send(res, await rekor.fn(body));
        }
        if (route === 'GET /api/v1/log/publicKey') {
          return send(res, { statusCode: 200, response: pem('PUBLIC KEY', tlogDer), contentType: 'application/x-pem-file' });
        }
        send(res, { statusCode: 404, response: `no route ${route}` });
      } catch (e) {
        send(res, { statusCode: 400, response: String(e && e.message || e) });
      }
    });
  });
  process.stdout.write(JSON.stringify({ port }) + '\n');
}

function send(res, r) {
  res.writeHead(r.statusCode, { 'Content-Type': r.contentType || 'text/plain' });
  res.end(typeof r.response === 'string' ? r.response : Buffer.from(r.response.buffer || r.response));
}

main().catch((e) => { console.error(e); process.exit(1); });
