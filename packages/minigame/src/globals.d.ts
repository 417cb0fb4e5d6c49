// What the mini-game runtime provides besides `wx` that minigame-api-typings leaves out: the frame
// callback globals, and the 2D context (its typings declare `RenderingContext` as an empty
// interface). Only the members this package uses are declared, so a browser-only call is a type
// error here and a runtime error under the browser adapter.

declare function requestAnimationFrame(callback: (timeMs: number) => void): number;
declare function cancelAnimationFrame(id: number): void;

interface TextMetricsLite {
  readonly width: number;
}

interface GradientLite {
  addColorStop(offset: number, color: string): void;
}

interface Canvas2D {
  fillStyle: string | GradientLite;
  strokeStyle: string | GradientLite;
  lineWidth: number;
  font: string;
  textAlign: 'left' | 'right' | 'center' | 'start' | 'end';
  textBaseline: 'top' | 'middle' | 'alphabetic' | 'bottom';
  globalAlpha: number;
  save(): void;
  restore(): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  translate(x: number, y: number): void;
  rotate(rad: number): void;
  scale(x: number, y: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, r: number, start: number, end: number, ccw?: boolean): void;
  arcTo(x1: number, y1: number, x2: number, y2: number, r: number): void;
  ellipse(x: number, y: number, rx: number, ry: number, rotation: number, start: number, end: number): void;
  fill(): void;
  stroke(): void;
  clip(): void;
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
  measureText(text: string): TextMetricsLite;
  drawImage(image: unknown, x: number, y: number, w: number, h: number): void;
  createLinearGradient(x0: number, y0: number, x1: number, y1: number): GradientLite;
  createRadialGradient(x0: number, y0: number, r0: number, x1: number, y1: number, r1: number): GradientLite;
}

// Provided by polyfill.ts (the runtime has none) for @fairground/rules, which encodes UTF-8 with it.
declare class TextEncoder {
  encode(input: string): Uint8Array;
}

// Declared only so @fairground/core type-checks here: its `newId` reads the Web Crypto API, which
// the mini-game runtime lacks and the mini-game never calls (ids are made by the server).
declare var crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };
