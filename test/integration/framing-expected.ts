// What each balancer does with each framing vector (framing-vectors.ts), as measured: nginx 1.22,
// HAProxy 2.6, the lean engine's front, and node:http's (Node 20, the front of the undici and http-proxy
// engines). `400 close`: one 400 response, then the balancer closed the connection; `open`: it kept it;
// after `;` the requests the backend received. A list: node:http answers the first request and reads the
// pipelined one in parallel, so whether that one reaches the backend before the connection closes varies.
export type Subject = 'lean' | 'node:http' | 'nginx' | 'haproxy'

export const expected: Record<string, Record<Subject, string | string[]>> = {
  'valid GET, then a second one pipelined': {
    lean: '200 200 open; GET / 0, GET /next 0',
    'node:http': '200 200 open; GET / 0, GET /next 0',
    nginx: '200 200 open; GET / 0, GET /next 0',
    haproxy: '200 200 open; GET / 0, GET /next 0',
  },
  'CL and TE: chunked': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 close; POST / 0',
  },
  'TE: chunked and CL': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 close; POST / 0',
  },
  'two CL, different': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'two CL, equal': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 open; POST / 40',
  },
  'CL as a list (n, n)': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 open; POST / 40',
  },
  'CL with a plus sign': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'CL negative': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'CL in hex': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'CL empty': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'TE: " chunked" (extra space: valid OWS)': {
    lean: '200 200 open; GET /next 0, POST / 0',
    'node:http': '200 200 open; GET /next 0, POST / 0',
    nginx: '200 200 open; GET /next 0, POST / 0',
    haproxy: '200 200 open; GET /next 0, POST / 0',
  },
  'TE: "\\tchunked" (tab: valid OWS)': {
    lean: '200 200 open; GET /next 0, POST / 0',
    'node:http': '200 200 open; GET /next 0, POST / 0',
    nginx: '501 close',
    haproxy: '200 200 open; GET /next 0, POST / 0',
  },
  'TE: "Chunked" (case: valid)': {
    lean: '200 200 open; GET /next 0, POST / 0',
    'node:http': '200 200 open; GET /next 0, POST / 0',
    nginx: '200 200 open; GET /next 0, POST / 0',
    haproxy: '200 200 open; GET /next 0, POST / 0',
  },
  'TE: "chunked, chunked" with CL': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '501 close',
    haproxy: '400 close',
  },
  'TE twice as fields, with CL': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'TE: "chunked, chunked"': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '501 close',
    haproxy: '400 close',
  },
  'TE: "chunked, identity" (chunked not last)': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '501 close',
    haproxy: '400 close',
  },
  'TE: "xchunked"': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '501 close',
    haproxy: '400 close',
  },
  'TE: "gzip, chunked" (a coding besides chunked)': {
    lean: '501 close',
    'node:http': '200 200 open; GET /next 0, POST / 0',
    nginx: '501 close',
    haproxy: '422 close',
  },
  'TE with a space before the colon': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'TE with a vertical tab': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '501 close',
    haproxy: '400 close',
  },
  'TE in an HTTP/1.0 request': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 close; POST / 0',
  },
  'obs-fold of a field': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 open; POST / 40',
  },
  'obs-fold of TE': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '200 close; POST / 0',
  },
  'bare LF line ends': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '200 200 open; GET / 0, GET /next 0',
    haproxy: '200 200 open; GET / 0, GET /next 0',
  },
  'bare LF in one field line': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '200 200 open; GET / 0, GET /next 0',
    haproxy: '200 200 open; GET / 0, GET /next 0',
  },
  'bare CR in a field value': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'NUL in a field value': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'invalid character in a field name': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '200 200 open; GET / 0, GET /next 0',
    haproxy: '400 close',
  },
  'space in the request-target': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'no Host in HTTP/1.1': {
    lean: '400 close',
    'node:http': ['400 close; GET /next 0', '400 close'],
    nginx: '400 close',
    haproxy: '400 open; GET /next 0',
  },
  'two Host fields': {
    lean: '400 close',
    'node:http': ['502 200 open; GET /next 0', '502 200 open; GET /next 0, GET /next 0'],
    nginx: '400 close',
    haproxy: '400 close',
  },
  'a 20 KiB field': {
    lean: '431 close',
    'node:http': '431 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'an invalid chunk size': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
  'chunk data longer than its size': {
    lean: '400 close',
    'node:http': '400 close',
    nginx: '400 close',
    haproxy: '400 close',
  },
}
