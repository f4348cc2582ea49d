// Addresses typed by the user (HDF5 file URL, model URL): absolute http(s) URLs, or paths relative to the page
// (such as the demo's `demo/left_low_0.h5`), resolved against it so that workers, whose own base differs,
// fetch the same file. Anything else is refused with a message that says what is accepted.

export type UserUrl = { ok: true; url: string } | { ok: false; error: string };

export function resolveUserUrl(text: string, pageBase: string): UserUrl {
  const t = text.trim();
  const accepted =
    'give an http(s) address (https://host/path/file) or a path relative to this page, such as demo/left_low_0.h5';
  if (!t) return { ok: false, error: `No address given: ${accepted}` };
  let url: URL;
  try {
    url = new URL(t, pageBase);
  } catch {
    return { ok: false, error: `"${t}" is not an address: ${accepted}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'blob:') {
    return { ok: false, error: `"${t}" uses ${url.protocol.replace(/:$/, '')}: ${accepted}` };
  }
  return { ok: true, url: url.href };
}
