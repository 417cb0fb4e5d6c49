// Two kinds of failure live here, as in the WeChat Pay sandbox.
//
// `SandboxErrors` are the sandbox's own expected failures (an admin request names an unknown fault
// kind, registers an identity twice): they go through the platform's error catalogue.
//
// `WireFailure` is not our error at all: it is the simulated NPPA answering with one of *its*
// errcodes, which go on the wire verbatim and belong to NPPA's protocol.
import { defineErrors } from '@fairground/core';
import { errmsgOf } from '../protocol.ts';

export const SandboxErrors = defineErrors('nppa-sandbox', {
  NPPA_SANDBOX_REQUEST_INVALID: { status: 400, message: 'the sandbox admin request is not valid' },
  NPPA_SANDBOX_NOT_FOUND: { status: 404, message: 'the sandbox has no such thing' },
  NPPA_SANDBOX_FAULT_INVALID: { status: 400, message: 'the fault description is not valid' },
  NPPA_SANDBOX_IDENTITY_EXISTS: { status: 409, message: 'an identity with this number is already registered' },
  NPPA_SANDBOX_FULL: { status: 409, message: 'the sandbox holds as many identities as it may' },
  NPPA_SANDBOX_CLOCK_NOT_MANUAL: { status: 409, message: 'the sandbox clock is not a manual clock and cannot be advanced' },
});

/** The simulated NPPA refusing a request with one of its errcodes. */
export class WireFailure extends Error {
  readonly errcode: number;
  constructor(errcode: number, detail?: string) {
    super(detail === undefined ? errmsgOf(errcode) : `${errmsgOf(errcode)}: ${detail}`);
    this.name = 'WireFailure';
    this.errcode = errcode;
  }
}
