// Failures of the HTTP boundary itself: bodies that are not JSON, too large, or of a type the API
// does not read. Each has a stable code so a client can tell "my request was broken" from "the
// server refused what I asked".
import { defineErrors } from '@fairground/core';

export const HttpErrors = defineErrors('http', {
  BODY_MALFORMED: { status: 400, message: 'the request body is not valid JSON' },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is larger than the server accepts' },
  BODY_NUMBER_NOT_INTEGER: { status: 400, message: 'numbers in request bodies must be plain JSON integers' },
  CONTENT_TYPE_UNSUPPORTED: { status: 415, message: 'the request body must be application/json' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  URL_MALFORMED: { status: 400, message: 'the URL cannot be read (a bad percent-encoding?)' },
  URL_PARAM_TOO_LONG: { status: 400, message: 'a path parameter is longer than the server accepts' },
  HEADERS_TOO_LARGE: { status: 431, message: 'the request headers are larger than the server accepts' },
  REQUEST_TIMEOUT: { status: 408, message: 'the request took too long to arrive', retryable: true },
  REQUEST_MALFORMED: { status: 400, message: 'the request is not valid HTTP' },
  RATE_LIMITED: { status: 429, message: 'too many requests; slow down', retryable: true },
});
