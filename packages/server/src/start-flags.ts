// How a server process is started: the Node.js flags and the environment that every documented
// start uses (`npm start`, the image's CMD and ENV, the systemd unit; test/deploy.test.ts holds
// them together, and the rooms benchmark starts its server with them). Both set memory, not
// behaviour: a process started without them works the same and holds more resident memory per
// connected player (bench/README.md, "Memory, third pass").
//
// - `--max-semi-space-size`: V8's young generation. By default it grows to tens of megabytes on a
//   machine with this much memory, and stays committed (and touched) whether or not it holds
//   anything; a room node's allocations are short-lived (frames, parsed messages), so a small
//   young generation collects them just as well, more often.
// - `MALLOC_ARENA_MAX`: glibc gives every thread that allocates (V8's helper threads, the SQLite
//   writer thread) an arena of its own, and the memory freed in one is not reused by another. It
//   is read when the process starts, so it is environment, not something the server can set itself.

/** Young-generation semi-space size (MB) of every server process. */
export const SEMI_SPACE_MB = 4;
/** glibc malloc arenas of every server process. */
export const MALLOC_ARENAS_MAX = 2;

/** The Node.js flags a server process starts with, before the entry point. */
export const SERVER_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
/** The environment a server process starts with (read by the C library at exec, not by the server). */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: String(MALLOC_ARENAS_MAX) };

/**
 * What this process was started without, of the documented flags and environment (empty when it was
 * started as documented): main.ts warns with the list, as the process works but holds more memory.
 */
export function missingStartSettings(execArgv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const missing: string[] = [];
  for (const flag of SERVER_NODE_FLAGS) if (!execArgv.includes(flag)) missing.push(flag);
  for (const [name, value] of Object.entries(SERVER_ENV)) if (env[name] !== value) missing.push(`${name}=${value}`);
  return missing;
}
