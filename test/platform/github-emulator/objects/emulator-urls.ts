/**
 * The emulator's two faces: the REST API (what `url` fields point at) and the web UI (`html_url`). Both are the
 * emulator's own address, so every link in a response leads back to the emulator rather than to github.com.
 */
export interface EmulatorUrls {
  /** REST base, e.g. `http://127.0.0.1:4010` (no trailing slash). */
  readonly api: string;
  /** Web base for `html_url` and `clone_url`, e.g. `http://127.0.0.1:4010`. */
  readonly html: string;
}
