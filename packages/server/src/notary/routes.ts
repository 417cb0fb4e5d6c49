// Handlers for the notary endpoints. A hand's record comes from the rooms domain (which checks the
// player was in the room and that the sealed record still matches its hash); what was attested
// comes from the notary's tables.
import { AppError } from '@fairground/core';
import { implement, type Implementation } from '../http/routes.ts';
import type { Rooms } from '../rooms/index.ts';
import { notaryContract as c } from './contract.ts';
import { NotaryErrors } from './errors.ts';
import type { NotaryService } from './service.ts';

export function notaryRoutes(d: { readonly notary: NotaryService; readonly rooms: Rooms }): Record<keyof typeof c, Implementation> {
  const recordOf = async (playerId: string, roomId: string, handNumber: number): Promise<string> => {
    const record = await d.rooms.handRecordText(playerId, roomId, handNumber);
    if (record === null) throw new AppError(NotaryErrors.NOTARY_HAND_NOT_FOUND);
    return record;
  };
  return {
    handAttestation: implement(c.handAttestation, async ({ actor, params }) => {
      const record = await recordOf(actor.playerId, params.roomId, params.handNumber);
      const a = await d.notary.attestation(params.roomId, params.handNumber);
      const base = { roomId: params.roomId, handNumber: params.handNumber, record };
      if (a === null)
        return {
          ...base,
          state: 'none',
          headHash: null,
          leafHash: null,
          queuedAtMs: null,
          leafIndex: null,
          treeSize: null,
          proof: [],
          root: null,
          token: null,
        };
      if (a.state === 'queued')
        return {
          ...base,
          state: 'queued',
          headHash: a.headHash,
          leafHash: a.leafHash,
          queuedAtMs: a.queuedAtMs,
          leafIndex: null,
          treeSize: null,
          proof: [],
          root: null,
          token: null,
        };
      return {
        ...base,
        state: a.state,
        headHash: a.headHash,
        leafHash: a.leafHash,
        queuedAtMs: a.queuedAtMs,
        leafIndex: a.leafIndex,
        treeSize: a.treeSize,
        proof: [...a.proof],
        root: a.root.rootHash,
        token: a.root.token,
      };
    }),
    handAttestationBundle: implement(c.handAttestationBundle, async ({ actor, params }) => {
      const record = await recordOf(actor.playerId, params.roomId, params.handNumber);
      const b = await d.notary.bundle(params.roomId, params.handNumber, record);
      return { ...b, proof: [...b.proof] };
    }),
    notaryStatus: implement(c.notaryStatus, async ({ query }) => {
      const s = await d.notary.status(query.limit ?? 20);
      return { ...s, roots: [...s.roots] };
    }),
  };
}
