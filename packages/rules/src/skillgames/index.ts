// Skill games as plug-ins: the interface, and the registry of this build's games.
export * from './plugin.ts';
export * from './registry.ts';
