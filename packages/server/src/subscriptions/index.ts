export { SubscriptionErrors } from './errors.ts';
export { subscriptionsMigrations } from './migrations.ts';
export { subscriptionsRoutes } from './routes.ts';
export * from './service.ts';
