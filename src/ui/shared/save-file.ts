// Handing a finished export to the user without reading it into the tab: the worker wrote it to disk (OPFS) and
// gives back the File, which is streamed into the place the user picked (File System Access showSaveFilePicker,
// where the browser offers it) or downloaded through an object URL onto that File. Bytes (no OPFS) download as
// they are.

/** A finished export as the data worker hands it out (workers/data ExportedFile). */
export interface FinishedFile {
  name: string;
  size: number;
  file?: Blob;
  bytes?: Uint8Array;
}

interface SavePickerWindow {
  showSaveFilePicker(opts: {
    suggestedName: string;
    types?: { description: string; accept: Record<string, string[]> }[];
  }): Promise<FileSystemFileHandle>;
}

/** Whether this browser lets the user pick where a file is saved (Chromium desktop does; others download). */
export function canPickSaveLocation(): boolean {
  return typeof (window as unknown as Partial<SavePickerWindow>).showSaveFilePicker === 'function';
}

/**
 * Ask where to save (call it first thing in the click handler: the picker needs the click's user activation).
 * Null when the user cancels.
 */
export async function pickSaveLocation(
  suggestedName: string,
  type: { description: string; mime: string; ext: string },
): Promise<FileSystemFileHandle | null> {
  try {
    return await (window as unknown as SavePickerWindow).showSaveFilePicker({
      suggestedName,
      types: [{ description: type.description, accept: { [type.mime]: [type.ext] } }],
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}

/** Stream the export into the picked file (a chunk at a time from disk to disk). */
export async function writeToHandle(out: FinishedFile, handle: FileSystemFileHandle): Promise<void> {
  const writable = await (
    handle as unknown as { createWritable(): Promise<WritableStream<BufferSource>> }
  ).createWritable();
  const source = out.file ?? new Blob([out.bytes as BlobPart]);
  await source.stream().pipeTo(writable);
}

/** Download the export: an object URL on the disk-backed File, or on the bytes. */
export function downloadFinished(out: FinishedFile, fileName: string, type: string): void {
  const blob = out.file ?? new Blob([out.bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Long enough for a large file's download to start reading; the OPFS file itself stays until the next export.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
