// The mini-game's wire types (src/wire.ts) against the server's contract: each server response
// must be assignable to the type the mini-game reads, so a renamed or retyped field is a
// `npm run typecheck` failure. Checked by the root tsconfig (which sees the server's types).
import type { Api, HandSection as ServerHandSection, RoomView as ServerRoomView } from '@fairground/server/contract';
import type * as Wire from '../src/wire.ts';

type Res<R extends keyof Api> = Api[R]['response'];
type Fits<Server, Client> = [Server] extends [Client] ? true : false;
const fits = <T extends true>(_: T) => {};

fits<Fits<Res<'POST /api/auth/wechat/login'>, Wire.Login>>(true);
fits<Fits<Res<'GET /api/terms'>, Wire.Terms>>(true);
fits<Fits<Res<'GET /api/compliance/health-notice'>, Wire.HealthNotice>>(true);
fits<Fits<Res<'GET /api/me'>, Wire.PlayerSelf>>(true);
fits<Fits<Res<'GET /api/rooms/cards'>, Wire.RoomCards>>(true);
fits<Fits<Res<'GET /api/rooms/mine'>, Wire.MyRooms>>(true);
fits<Fits<Res<'GET /api/rooms/friends'>, Wire.Friends>>(true);
fits<Fits<Res<'POST /api/rooms/quote'>, Wire.Quote>>(true);
fits<Fits<Res<'POST /api/rooms'>, Wire.CreatedRoom>>(true);
fits<Fits<Res<'GET /api/rooms/code/:code'>, Wire.RoomPreview>>(true);
fits<Fits<Res<'POST /api/rooms/join'>, Wire.Joined>>(true);
fits<Fits<Res<'GET /api/me/responsible-play'>, Wire.ResponsiblePlay>>(true);
fits<Fits<Res<'POST /api/skill/practice'>, Wire.SkillSession>>(true);
fits<Fits<Res<'POST /api/skill/sessions/:sessionId/commands'>, Wire.SkillAck>>(true);
fits<Fits<Res<'POST /api/skill/sessions/:sessionId/finish'>, Wire.SkillResult>>(true);
fits<Fits<Res<'GET /api/skill/sessions/:sessionId/replay'>, Wire.SkillReplay>>(true);
fits<Fits<ServerRoomView, Wire.RoomView>>(true);
fits<Fits<ServerHandSection, Wire.HandSection>>(true);
fits<Fits<Res<'GET /api/notifications'>, Wire.Inbox>>(true);
fits<Fits<Res<'GET /api/support'>, Wire.SupportHours>>(true);
