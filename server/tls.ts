import { X509Certificate } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './storage/files.ts';

/** Validity of a new certificate: one year, within the 398 days browsers accept for a server certificate. */
const VALID_DAYS = 365;
/** A certificate that ends within this many days is replaced at start-up. */
const RENEW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The self-signed certificate of local HTTPS, as kept in the data dir. */
export interface LocalCertificate {
  /** PEM private key (PKCS #8, EC P-256) and certificate. */
  readonly key: string;
  readonly cert: string;
  /** SHA-256 of the certificate's DER bytes, `AB:CD:…`, as browsers show it. */
  readonly fingerprint256: string;
  /** Where they are: `<data dir>/tls/key.pem` and `cert.pem` (folder 0700, files 0600). */
  readonly keyPath: string;
  readonly certPath: string;
  /** Whether this start made it (first run, expiry near, or an address it did not name). */
  readonly created: boolean;
}

/** The machine's IPv4 and IPv6 addresses on the local network (not loopback, not link-local IPv6). */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && !info.internal && !(info.family === 'IPv6' && info.scopeid))
    .map((info) => info!.address);
}

async function readIfValid(
  keyPath: string,
  certPath: string,
  names: { dns: readonly string[]; ips: readonly string[] },
): Promise<{ key: string; cert: string } | null> {
  let key: string;
  let cert: string;
  try {
    [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
  } catch {
    return null;
  }
  try {
    const certificate = new X509Certificate(cert);
    const lasts = new Date(certificate.validTo).getTime() - Date.now() > RENEW_DAYS * DAY_MS;
    // checkIP and checkHost read the subjectAltName as TLS does (IPv6 in any notation, DNS names in any case).
    const named =
      names.ips.every((ip) => certificate.checkIP(ip) !== undefined) &&
      names.dns.every((name) => certificate.checkHost(name, { wildcards: false }) !== undefined);
    return lasts && named ? { key, cert } : null;
  } catch {
    return null;
  }
}

/**
 * The certificate `npm start -- --https` serves: made on first run with `selfsigned` (EC P-256, SHA-256, one year,
 * `serverAuth`) for localhost, this machine's name, 127.0.0.1, ::1 and `addresses`, kept in `<dataDir>/tls/`, and
 * made again when it ends within 30 days or does not name one of `addresses` (the machine joined another network).
 * @throws the file system's error when the data dir cannot be written.
 */
export async function localCertificate(
  dataDir: string,
  addresses: readonly string[] = lanAddresses(),
): Promise<LocalCertificate> {
  const dir = path.join(dataDir, 'tls');
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  const dnsNames = [...new Set(['localhost', hostname()])];
  const ips = [...new Set(['127.0.0.1', '::1', ...addresses])];
  await ensurePrivateDir(dataDir);
  await ensurePrivateDir(dir);
  const kept = await readIfValid(keyPath, certPath, { dns: dnsNames, ips });
  let pems = kept;
  if (!pems) {
    const now = new Date();
    const made = await generate([{ name: 'commonName', value: `BCD on ${hostname()}` }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: now,
      notAfterDate: new Date(now.getTime() + VALID_DAYS * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...dnsNames.map((value) => ({ type: 2 as const, value })),
            ...ips.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    });
    pems = { key: made.private, cert: made.cert };
    for (const [file, text] of [
      [keyPath, pems.key],
      [certPath, pems.cert],
    ] as const) {
      await writeFile(file, text, { mode: PRIVATE_FILE_MODE });
      // The mode of writeFile applies only to a new file; a renewed one keeps its old mode otherwise.
      await chmod(file, PRIVATE_FILE_MODE);
    }
  }
  return {
    ...pems,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    keyPath,
    certPath,
    created: kept === null,
  };
}
