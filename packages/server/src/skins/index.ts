// Skins: the look of a player's seat at the table, earned through VIP tiers or bought (service.ts).
export { skinsContract } from './contract.ts';
export { SkinErrors } from './errors.ts';
export { skinsMigrations } from './migrations.ts';
export { skinsRoutes } from './routes.ts';
export { type PlayerSkins, Skins, type SkinsOptions } from './service.ts';
