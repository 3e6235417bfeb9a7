import QRCode from 'qrcode';
import type { LocalCertificate } from './tls.ts';

const WILDCARDS = new Set(['0.0.0.0', '::']);

/** `https://host:port/`, with an IPv6 address in brackets. */
function urlOf(host: string, port: number): string {
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

/**
 * The addresses a phone can open: every LAN address when listening on all interfaces (IPv4 first, since a typed
 * IPv6 address is hard to get right), else the one `host`.
 */
export function httpsUrls(host: string, port: number, lan: readonly string[]): string[] {
  if (!WILDCARDS.has(host)) return [urlOf(host, port)];
  const ordered = [...lan.filter((a) => !a.includes(':')), ...lan.filter((a) => a.includes(':'))];
  return (ordered.length > 0 ? ordered : ['127.0.0.1']).map((address) => urlOf(address, port));
}

/**
 * What `npm start -- --https` prints once listening: the addresses, the certificate's SHA-256 fingerprint (to
 * compare with what the browser shows before accepting it), what the browser will say, and a QR code of the first
 * address drawn with `qrcode`'s terminal renderer.
 */
export async function httpsBanner(urls: readonly string[], certificate: LocalCertificate): Promise<string> {
  const qr = await QRCode.toString(urls[0]!, { type: 'terminal', small: true });
  return [
    '',
    'BCD is serving HTTPS on the local network:',
    ...urls.map((url) => `  ${url}`),
    '',
    `Certificate (self-signed${certificate.created ? ', made now' : ''}): ${certificate.certPath}`,
    `  SHA-256 fingerprint ${certificate.fingerprint256}`,
    'The browser will warn that the connection is not private (the certificate is not from a known authority).',
    'Check that the fingerprint it shows is the one above, then continue to the site.',
    '',
    qr,
  ].join('\n');
}
