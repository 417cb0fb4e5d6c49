// The Make Ten grid (the sum10 plug-in): tap a number, then another that adds up to ten with it.
// Cells hold 0–8 and show 1–9. A second tap on the selected number lets go of it; a pair that
// does not add up to ten simply moves the selection (the rules would refuse it, so it is not sent).
import { useState } from 'preact/hooks';

export interface NumberBoardProps {
  readonly board: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly disabled: boolean;
  readonly highlight: readonly number[];
  onPair(from: number, to: number): void;
}

/** Cells hold number − 1, so a pair adds up to ten when its cells add up to eight. */
const PAIR_CELL_SUM = 8;

export function NumberBoard(p: NumberBoardProps) {
  const [selected, setSelected] = useState<number | null>(null);

  const tap = (cell: number) => {
    if (p.disabled) return;
    if (selected === null) return setSelected(cell);
    if (selected === cell) return setSelected(null);
    if (p.board[selected]! + p.board[cell]! === PAIR_CELL_SUM) {
      setSelected(null);
      p.onPair(selected, cell);
    } else setSelected(cell);
  };

  return (
    <div
      class={p.disabled ? 'number-board busy' : 'number-board'}
      data-testid="board"
      data-rules="sum10"
      data-board={p.board.join(',')}
      data-width={p.width}
      data-height={p.height}
      style={{ gridTemplateColumns: `repeat(${p.width}, 1fr)` }}
    >
      {p.board.map((v, i) => (
        <button
          type="button"
          key={i}
          data-cell={i}
          data-testid={`cell-${i}`}
          data-value={v + 1}
          class={`number${selected === i ? ' selected' : ''}${p.highlight.includes(i) ? ' hint' : ''}`}
          onClick={() => tap(i)}
        >
          {v + 1}
        </button>
      ))}
    </div>
  );
}
