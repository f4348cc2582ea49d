// The window of a virtualised grid: how many columns fit, how many rows there are, and which items (with a few
// rows of overscan) are in view at a scroll position. Shared by the crop and image galleries.
export interface GridWindow {
  cols: number;
  rowCount: number;
  firstRow: number;
  /** Items [start, end) to render. */
  start: number;
  end: number;
}

export function gridWindow(o: {
  count: number;
  width: number;
  viewHeight: number;
  scrollTop: number;
  cellWidth: number;
  cellHeight: number;
  overscanRows: number;
}): GridWindow {
  const cols = Math.max(1, Math.floor(o.width / o.cellWidth));
  const rowCount = Math.ceil(o.count / cols);
  const firstRow = Math.max(0, Math.floor(o.scrollTop / o.cellHeight) - o.overscanRows);
  const lastRow = Math.min(
    rowCount - 1,
    Math.ceil((o.scrollTop + o.viewHeight) / o.cellHeight) + o.overscanRows,
  );
  return { cols, rowCount, firstRow, start: firstRow * cols, end: Math.min(o.count, (lastRow + 1) * cols) };
}
