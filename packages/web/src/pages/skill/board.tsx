// The puzzle board, played by touch or mouse: tap a gem then a neighbour, or swipe a gem towards
// the neighbour to swap with. Pointer events cover both; `touch-action: none` keeps a swipe from
// scrolling the page.
import { useRef, useState } from 'preact/hooks';

const GEM_COLOURS = ['#e74c3c', '#3498db', '#27ae60', '#f1c40f', '#9b59b6', '#e67e22', '#16a085'];
// Shapes as well as colours, so the board reads without colour vision.
const GEM_SHAPES = ['●', '◆', '▲', '■', '★', '✚', '⬟'];
/** A swipe counts once the pointer has moved this share of a cell. */
const SWIPE_SHARE = 0.35;

export interface BoardProps {
  readonly board: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly kinds: number;
  readonly disabled: boolean;
  readonly highlight: readonly number[];
  onSwap(from: number, to: number): void;
}

function neighbours(width: number, height: number, a: number, b: number): boolean {
  if (a < 0 || b < 0 || a >= width * height || b >= width * height) return false;
  const d = Math.abs(a - b);
  return d === width || (d === 1 && Math.floor(a / width) === Math.floor(b / width));
}

/** The cell under a pointer event's target, by its `data-cell`. */
function cellAt(target: EventTarget | null): number | null {
  const el = (target as HTMLElement | null)?.closest?.('[data-cell]');
  return el ? Number(el.getAttribute('data-cell')) : null;
}

export function Board(p: BoardProps) {
  const [selected, setSelected] = useState<number | null>(null);
  const drag = useRef<{ cell: number; x: number; y: number; size: number; swapped: boolean } | null>(null);

  const onDown = (e: PointerEvent) => {
    if (p.disabled) return;
    const cell = cellAt(e.target);
    if (cell === null) return;
    const size = (e.target as HTMLElement).getBoundingClientRect().width || 40;
    drag.current = { cell, x: e.clientX, y: e.clientY, size, swapped: false };
  };

  const onMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.swapped || p.disabled) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (Math.max(Math.abs(dx), Math.abs(dy)) < d.size * SWIPE_SHARE) return;
    const to = Math.abs(dx) > Math.abs(dy) ? d.cell + (dx > 0 ? 1 : -1) : d.cell + (dy > 0 ? p.width : -p.width);
    d.swapped = true;
    setSelected(null);
    if (neighbours(p.width, p.height, d.cell, to)) p.onSwap(d.cell, to);
  };

  const onUp = (e: PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.swapped || p.disabled) return;
    const cell = cellAt(e.target) ?? d.cell;
    if (selected !== null && neighbours(p.width, p.height, selected, cell)) {
      setSelected(null);
      p.onSwap(selected, cell);
    } else setSelected(cell === selected ? null : cell);
  };

  return (
    <div
      class={p.disabled ? 'gem-board busy' : 'gem-board'}
      data-testid="board"
      data-board={p.board.join(',')}
      data-width={p.width}
      data-height={p.height}
      data-kinds={p.kinds}
      style={{ gridTemplateColumns: `repeat(${p.width}, 1fr)` }}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => {
        drag.current = null;
      }}
    >
      {p.board.map((gem, i) => (
        <Gem key={i} cell={i} gem={gem} selected={selected === i} hint={p.highlight.includes(i)} />
      ))}
    </div>
  );
}

function Gem({ cell, gem, selected, hint }: { cell: number; gem: number; selected: boolean; hint: boolean }) {
  return (
    <div
      data-cell={cell}
      data-testid={`cell-${cell}`}
      data-gem={gem}
      class={`gem${selected ? ' selected' : ''}${hint ? ' hint' : ''}`}
      style={{ background: GEM_COLOURS[gem] ?? '#999' }}
    >
      {GEM_SHAPES[gem] ?? '?'}
    </div>
  );
}
