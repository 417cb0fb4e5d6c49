// Make ten (凑十): the second skill game, played through the plug-in interface (../skillgames).
export * from './game.ts';
