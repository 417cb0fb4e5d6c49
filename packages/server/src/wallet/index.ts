// The wallet: what players and operators see of the ledger, and the operator's balance adjustment.
import { ASSETS, type Ledger, playerAccount } from '../ledger/index.ts';
import type { Tx } from '../storage/ports.ts';

export { walletContract } from './contract.ts';
export { WalletErrors } from './errors.ts';
export { type WalletRouteDeps, walletRoutes } from './routes.ts';

/** Opens a new player's ledger accounts (one per asset, no overdraft) in the unit that creates the player. */
export async function openPlayerWallets(ledger: Ledger, tx: Tx, playerId: string): Promise<void> {
  for (const asset of ASSETS) await ledger.openAccount(tx, playerAccount(playerId, asset));
}
