// The mini-game's entry (`game.js`). WeChat runs it once at launch: the canvas, the scenes, the
// share card's query, and the background/foreground hooks that close and reopen the table's socket.
import './polyfill.ts';
import { Api } from './api.ts';
import { App } from './app.ts';
import { Stage } from './engine.ts';
import { createScene } from './scenes/create.ts';
import { joinScene } from './scenes/join.ts';
import { lobbyScene } from './scenes/lobby.ts';
import { rulesScene } from './scenes/rules.ts';
import { startScene } from './scenes/start.ts';
import { tableScene } from './scenes/table.ts';

declare const FAIRGROUND_SERVER: string;

// The server's origin is fixed when the package is built (FAIRGROUND_MINIGAME_SERVER, an https
// domain registered in the mini-game's console). A host that serves the package itself — the
// browser adapter, which runs the server on a port chosen at test time — may set it first.
const origin = (GameGlobal as { fairgroundServer?: string }).fairgroundServer ?? FAIRGROUND_SERVER;
const perf = wx.getPerformance();
const clock = { nowMs: () => Date.now() };
const stage = new Stage({ nowMs: clock.nowMs, perfMs: () => perf.now() });
const app = new App({
  stage,
  api: new Api(origin),
  clock,
  scenes: { start: startScene, lobby: lobbyScene, create: createScene, join: joinScene, table: tableScene, rules: rulesScene },
});

app.rememberInvite(wx.getLaunchOptionsSync().query);
wx.onShow((res) => {
  app.rememberInvite(res.query);
  app.stage.scene?.shown?.();
  // A share card tapped while the game was in the background: signed-in players go straight there.
  if (app.me !== null && app.pendingInvite() !== null) void app.home();
});
wx.onHide(() => app.stage.scene?.hidden?.());
wx.showShareMenu({ withShareTicket: false, menus: ['shareAppMessage'] });
app.show(startScene(app));
