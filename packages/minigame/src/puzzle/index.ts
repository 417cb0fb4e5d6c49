// The puzzle subpackage's entry: WeChat runs it when `wx.loadSubpackage({name: 'puzzle'})`
// succeeds, and it registers the scene for the main package to show.
import '../polyfill.ts';
import { puzzleScene } from './scene.ts';

(GameGlobal as { fairgroundPuzzle?: unknown }).fairgroundPuzzle = puzzleScene;
