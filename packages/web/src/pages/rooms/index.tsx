// The room pages behind one lazily loaded chunk.
import type { Ctx } from '../../app.tsx';
import { CreateRoomPage } from './create.tsx';
import { RoomHistoryPage } from './history.tsx';
import { RoomsHubPage } from './hub.tsx';
import { JoinRoomPage } from './join.tsx';
import type { RoomRoute } from './routes.ts';
import { RoomRulesPage } from './rules.tsx';
import { TablePage } from './table.tsx';

export function RoomPages({ ctx, route }: { ctx: Ctx; route: RoomRoute }) {
  // Keyed by the hash so moving from one room (or code) to another starts the page afresh; the
  // creation steps live in the query (`?step=2`) so the browser's back goes one step back, and
  // moving between them keeps the page.
  const key = route === 'room-create' ? 'room-create' : location.hash;
  switch (route) {
    case 'rooms':
      return <RoomsHubPage ctx={ctx} key={key} />;
    case 'room-create':
      return <CreateRoomPage ctx={ctx} key={key} />;
    case 'join':
      return <JoinRoomPage ctx={ctx} key={key} />;
    case 'room':
      return <TablePage ctx={ctx} key={key} />;
    case 'room-history':
      return <RoomHistoryPage ctx={ctx} key={key} />;
    case 'room-rules':
      return <RoomRulesPage ctx={ctx} key={key} />;
  }
}
