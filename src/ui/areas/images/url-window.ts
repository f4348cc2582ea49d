// A window of object URLs over image files: a URL is made the first time a file is shown and revoked once the
// file is out of view, so however many files a set has, only the shown ones hold a URL.

export class UrlWindow<F extends { blob: Blob }> {
  private urls = new Map<F, string>();
  private mounted = false;

  /** The file's URL, made on first use. */
  urlOf(f: F): string {
    let u = this.urls.get(f);
    if (!u) {
      u = URL.createObjectURL(f.blob);
      this.urls.set(f, u);
    }
    return u;
  }

  /** Revoke every URL but those of `keep`. */
  keepOnly(keep: ReadonlySet<F>): void {
    for (const [f, u] of this.urls)
      if (!keep.has(f)) {
        URL.revokeObjectURL(u);
        this.urls.delete(f);
      }
  }

  /** How many URLs are held now. */
  get held(): number {
    return this.urls.size;
  }

  mount(): void {
    this.mounted = true;
  }

  /** Revoke all after a tick unless mounted again by then (React's dev double mount re-mounts at once). */
  unmount(): void {
    this.mounted = false;
    setTimeout(() => {
      if (!this.mounted) this.keepOnly(new Set());
    }, 0);
  }
}
