// The live lines, virtualised: only the rows on screen (and a few around them) are in the DOM.
// While following, the newest rows are one block in normal flow pinned to the bottom (no
// measuring: a screenful of rows at least one line tall always fills the view). While paused,
// rows are placed by prefix sums over their heights (logs/row-layout.ts): wrapped rows are
// measured after they render and laid out again; unwrapped rows all have one height. Scrolling up
// by hand pauses, scrolling back to the bottom resumes; while paused, the first row on screen
// stays put as lines arrive and old ones are discarded.
import { type KeyboardEvent, useLayoutEffect, useRef, useState, type WheelEvent } from 'react';

import type { DisplaySettings } from '../logs/deep-link';
import { HeightCache } from '../logs/height-cache';
import { lowerBound, RowLayout } from '../logs/row-layout';
import type { TextMatcher } from '../logs/text-matcher';
import type { LiveStream } from '../state/live-stream';
import { LogRow } from './LogRow';

export interface LogViewProps {
  readonly stream: LiveStream;
  /** Changes whenever the stream's lines do (once per frame at most). */
  readonly version: number;
  readonly search: TextMatcher | undefined;
  readonly display: DisplaySettings;
  readonly following: boolean;
  readonly onFollowing: (following: boolean) => void;
}

/** One unwrapped row; the CSS gives `.log-view` this line height. */
export const ROW_PX = 18;
const OVERSCAN_ROWS = 8;
/** Scroll events this soon after a wheel, pointer, touch or key are the user's. */
const USER_SCROLL_MS = 800;
const SCROLL_KEYS = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);
const BACK_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

interface Viewport {
  readonly top: number;
  readonly height: number;
  readonly width: number;
}

export function LogView({ stream, version, search, display, following, onFollowing }: LogViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const [layout] = useState(() => new RowLayout());
  const anchor = useRef<{ seq: number; offset: number } | undefined>(undefined);
  const userInputAt = useRef(0);
  const [viewport, setViewport] = useState<Viewport>({ top: 0, height: 600, width: 0 });
  const [measured, setMeasured] = useState(0);
  const { view, store } = stream;
  const [heights] = useState(() => new HeightCache(store.capacity));
  const count = view.length;
  const seqAt = (index: number) => view.seqAt(index) ?? 0;

  const measuredFor = useRef({ wrap: display.wrap, zone: display.timeZone, width: viewport.width });
  const stale = measuredFor.current;
  if (stale.wrap !== display.wrap || stale.zone !== display.timeZone || stale.width !== viewport.width) {
    heights.clear();
    measuredFor.current = { wrap: display.wrap, zone: display.timeZone, width: viewport.width };
  }
  layout.build(count, display.wrap ? (i) => heights.get(seqAt(i)) ?? ROW_PX : () => ROW_PX);
  const [start, end] = following
    ? [Math.max(0, count - Math.ceil(viewport.height / ROW_PX) - OVERSCAN_ROWS), count]
    : layout.range(viewport.top, viewport.top + viewport.height, OVERSCAN_ROWS);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setViewport((v) => ({ ...v, height: el.clientHeight, width: el.clientWidth })));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // After each render, before paint. Following: to the bottom, noting the first row on screen (the
  // anchor a pause starts from). Paused: measure wrapped rows (and lay out again if any changed),
  // then keep the anchor row where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null || canvas.current === null) return;
    if (following) {
      el.scrollTop = el.scrollHeight;
      anchor.current = firstRowOnScreen(canvas.current, el.clientHeight);
      return;
    }
    if (display.wrap) {
      let changed = false;
      for (const row of canvas.current.children) {
        const seq = Number((row as HTMLElement).dataset.seq);
        const height = (row as HTMLElement).offsetHeight;
        if (height > 0 && heights.get(seq) !== height) {
          heights.set(seq, height);
          changed = true;
        }
      }
      if (changed) {
        setMeasured((m) => m + 1);
        return;
      }
    }
    if (anchor.current !== undefined) {
      const index = lowerBound(count, seqAt, anchor.current.seq);
      const wanted = layout.top(index) + (index < count && seqAt(index) === anchor.current.seq ? anchor.current.offset : 0);
      if (Math.abs(el.scrollTop - wanted) > 1) el.scrollTop = wanted;
    }
    // Render from where the view really is (the browser clamps scrollTop when content shrinks,
    // and a scroll event may come a frame later): synced here, before paint.
    if (Math.abs(viewport.top - el.scrollTop) > 1) setViewport((v) => ({ ...v, top: el.scrollTop }));
  });

  const noteUserInput = () => {
    userInputAt.current = performance.now();
  };
  const onScroll = () => {
    const el = scroller.current;
    if (el === null) return;
    if (!following) {
      setViewport((v) => (v.top === el.scrollTop ? v : { ...v, top: el.scrollTop }));
      const index = layout.indexAt(el.scrollTop);
      if (index < count) anchor.current = { seq: seqAt(index), offset: el.scrollTop - layout.top(index) };
    }
    if (performance.now() - userInputAt.current > USER_SCROLL_MS) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
    if (atBottom !== following) onFollowing(atBottom);
  };
  // Reading back pauses at once, before the next frame's lines could scroll the view down again.
  const onWheel = (event: WheelEvent) => {
    noteUserInput();
    if (event.deltaY < 0 && following) onFollowing(false);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (!SCROLL_KEYS.has(event.key)) return;
    noteUserInput();
    if (BACK_KEYS.has(event.key) && following) onFollowing(false);
  };

  const rows = [];
  for (let index = start; index < end; index += 1) {
    const seq = view.seqAt(index);
    const entry = seq === undefined ? undefined : store.bySeq(seq);
    if (entry === undefined) continue;
    const style = following ? undefined : { transform: `translateY(${layout.top(index)}px)` };
    rows.push(
      <div key={entry.seq} data-seq={entry.seq} className="row" style={style}>
        <LogRow entry={entry} search={search} timeZone={display.timeZone} />
      </div>,
    );
  }
  // Following with fewer rows than the block holds: in flow from the top, however tall they wrap.
  const canvasClass = following ? (start === 0 ? 'log-canvas tail short' : 'log-canvas tail') : 'log-canvas';

  return (
    <div
      ref={scroller}
      className={`log-view ${display.wrap ? 'wrap' : 'nowrap'}`}
      role="log"
      aria-label="Log lines"
      aria-live="off"
      tabIndex={0}
      onScroll={onScroll}
      onWheel={onWheel}
      onPointerDown={noteUserInput}
      onTouchMove={noteUserInput}
      onKeyDown={onKeyDown}
      data-testid="log-view"
      data-rows={count}
      data-version={version}
      data-measured={measured}
    >
      {count === 0 && (
        <p className="empty" data-testid="log-empty">
          No lines yet.
        </p>
      )}
      <div ref={canvas} className={canvasClass} style={start === 0 && following ? undefined : { height: layout.totalHeight }}>
        {rows}
      </div>
    </div>
  );
}

/** The first row of a bottom-pinned block visible in a view `height` tall, and how far it starts above the view's top. */
function firstRowOnScreen(block: HTMLElement, height: number): { seq: number; offset: number } | undefined {
  let below = 0;
  for (let row = block.lastElementChild as HTMLElement | null; row !== null; row = row.previousElementSibling as HTMLElement | null) {
    below += row.offsetHeight;
    if (below >= height) return { seq: Number(row.dataset.seq), offset: below - height };
  }
  const first = block.firstElementChild as HTMLElement | null;
  return first === null ? undefined : { seq: Number(first.dataset.seq), offset: 0 };
}
