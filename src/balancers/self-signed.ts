// A self-signed certificate for 127.0.0.1, ::1 and localhost, made with Node's own crypto (balancer.tls:
// true). Node 20 can make keys and sign bytes but has no API that writes a certificate, so the X.509
// structure (RFC 5280) is written here in DER: a handful of ASN.1 types, enough for one certificate of
// one shape. The key is ECDSA P-256 (prime256v1), as common in production as RSA and cheaper to handshake.
// Nothing is downloaded; the certificate lives in the run's folder only.

import {generateKeyPairSync, randomBytes, sign} from 'node:crypto'

/** DER: a tag, the length of the contents, the contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents)
  const n = body.length
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff])
  return Buffer.concat([Buffer.from([tag]), length, body])
}

const sequence = (...items: Buffer[]) => der(0x30, ...items)
const set = (...items: Buffer[]) => der(0x31, ...items)
const octets = (b: Buffer) => der(0x04, b)
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'))
/** A BIT STRING of whole bytes (no unused bits). */
const bits = (b: Buffer) => der(0x03, Buffer.from([0]), b)
const boolean = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]))
/** [n] EXPLICIT */
const explicit = (n: number, item: Buffer) => der(0xa0 + n, item)

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const bytes = [a * 40 + b]
  for (const n of rest) {
    const base128 = [n & 0x7f]
    for (let v = n >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80)
    bytes.push(...base128)
  }
  return der(0x06, Buffer.from(bytes))
}

/** A positive INTEGER from big-endian bytes (a leading 0 keeps the sign bit clear). */
const positive = (b: Buffer) => der(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b)

/** UTCTime, YYMMDDHHMMSSZ (dates before 2050). */
const utcTime = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'))

const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'))
const name = (cn: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(cn))))
const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octets(value))

/** subjectAltName: dNSName [2] and iPAddress [7], IMPLICIT. */
const altNames = sequence(
  der(0x82, Buffer.from('localhost')),
  der(0x87, Buffer.from([127, 0, 0, 1])),
  der(0x87, Buffer.concat([Buffer.alloc(15), Buffer.from([1])])),
)

export interface SelfSigned {
  /** PEM, -----BEGIN CERTIFICATE-----. */
  cert: string
  /** PEM, PKCS #8, unencrypted. */
  key: string
}

/**
 * A serial number from 16 random bytes: positive, and its first byte never 0. DER wants an INTEGER in
 * its fewest bytes, and OpenSSL (so nginx and HAProxy) refuses a certificate whose serial starts with a
 * 0 byte that is not needed; clearing the sign bit alone made one certificate in 256 of that kind.
 */
export function certificateSerial(random: Buffer): Buffer {
  const serial = Buffer.from(random)
  serial[0] = (serial[0] & 0x3f) | 0x40
  return serial
}

/** A new key and a certificate for it, valid from a minute ago for `days` days. */
export function selfSignedCertificate(days = 30, now = new Date()): SelfSigned {
  const {publicKey, privateKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
  const serial = certificateSerial(randomBytes(16))
  const subject = name('lbbench self-signed (127.0.0.1, localhost)')
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // v3
    positive(serial),
    ecdsaWithSha256,
    subject,
    sequence(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + days * 86_400_000))),
    subject,
    publicKey.export({type: 'spki', format: 'der'}),
    explicit(
      3,
      sequence(
        extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
        extension('2.5.29.15', true, der(0x03, Buffer.from([7, 0x80]))), // keyUsage: digitalSignature
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
        extension('2.5.29.17', false, altNames),
      ),
    ),
  )
  const certificate = sequence(tbs, ecdsaWithSha256, bits(sign('sha256', tbs, privateKey)))
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({type: 'pkcs8', format: 'pem'}).toString(),
  }
}
