// A drop zone for files: the handlers to spread on the element, and whether files are being dragged over it.
import { useState, type DragEvent } from 'react';

export function useFileDrop(onFiles: (files: File[]) => void): {
  over: boolean;
  dropHandlers: {
    onDragOver(e: DragEvent): void;
    onDragLeave(): void;
    onDrop(e: DragEvent): void;
  };
} {
  const [over, setOver] = useState(false);
  return {
    over,
    dropHandlers: {
      onDragOver(e) {
        e.preventDefault();
        setOver(true);
      },
      onDragLeave() {
        setOver(false);
      },
      onDrop(e) {
        e.preventDefault();
        setOver(false);
        onFiles([...e.dataTransfer.files]);
      },
    },
  };
}
