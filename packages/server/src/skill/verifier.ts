// The verifier: re-runs a stored session from its seed and command log through the same rules
// the client and the server ran, and checks that it reproduces what the server recorded. The risk
// review runs it on flagged sessions; the fairness page shows its report to the player.
import { replaySkillGame, verifyServerSeed } from '@fairground/rules';
import type { Reader } from '../storage/ports.ts';
import { logDigest, seedBytes } from './digest.ts';
import { type CommandRow, commandFromDb, SESSION_COLUMNS, type SessionRow, sessionFromDb } from './rows.ts';

export interface VerificationReport {
  readonly sessionId: string;
  /** True when every check passed. */
  readonly ok: boolean;
  readonly commands: number;
  readonly serverScore: number;
  readonly replayScore: number;
  readonly serverStateHash: string;
  readonly replayStateHash: string;
  readonly checks: {
    /** The seed matches the commitment the player was shown at the start. */
    readonly commitment: boolean;
    /** The stored log still hashes to the digest recorded as the commands were accepted. */
    readonly logDigest: boolean;
    /** The rules accept every command of the log. */
    readonly replayAccepted: boolean;
    readonly score: boolean;
    readonly stateHash: boolean;
  };
  /** The first command the rules refused on replay. */
  readonly rejected: { readonly index: number; readonly code: string } | null;
}

/** Verifies a session row against its command log (pure: no database). */
export function verifySession(row: SessionRow, commands: readonly CommandRow[]): VerificationReport {
  const end = row.endReason === 'time' || row.endReason === 'stopped' ? row.endReason : null;
  // The game's own plug-in replays it: the configuration stored with the session names it.
  const replay = replaySkillGame(seedBytes(row.seedHex), row.config, commands, end);
  const checks = {
    commitment: verifyServerSeed(row.seedHex, row.commitment),
    logDigest: logDigest(commands) === row.logDigest,
    replayAccepted: replay.ok,
    score: replay.view.score === row.score,
    stateHash: replay.stateHash === row.stateHash,
  };
  return {
    sessionId: row.id,
    ok: Object.values(checks).every(Boolean),
    commands: commands.length,
    serverScore: row.score,
    replayScore: replay.view.score,
    serverStateHash: row.stateHash,
    replayStateHash: replay.stateHash,
    checks,
    rejected: replay.rejected,
  };
}

export async function loadSessionWithLog(reader: Reader, sessionId: string): Promise<{ row: SessionRow; commands: CommandRow[] } | null> {
  const rows = await reader.query(`SELECT ${SESSION_COLUMNS} FROM skill_sessions WHERE id = ?`, [sessionId]);
  if (!rows[0]) return null;
  const commands = (
    await reader.query('SELECT seq, at_ms, received_at_ms, from_cell, to_cell FROM skill_commands WHERE session_id = ? ORDER BY seq', [
      sessionId,
    ])
  ).map(commandFromDb);
  return { row: sessionFromDb(rows[0]), commands };
}
