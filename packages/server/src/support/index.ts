// Customer service both ways: operators answer feedback and reports; answers reach the player's inbox.
export { supportContract } from './contract.ts';
export { SupportErrors } from './errors.ts';
export { supportMigrations } from './migrations.ts';
export { supportRoutes } from './routes.ts';
export { Support, type SupportOptions, type SupportThread, type ThreadKind } from './service.ts';
