// The live socket: `hello`, then events in `seq` order. After a drop it
// reconnects with `since` = the last seq applied, so the server replays what
// was missed; `resync_required` (the log no longer reaches back) or a first
// connection reloads everything over HTTP instead.

const CLOSE_REAUTHENTICATE = 4001;
const MAX_DELAY_MS = 5000;

export class Live {
  // token(): the current access token; reauthenticate(): refreshes it;
  // onEvent(event), onReload(), onStatus("connecting" | "live" | "reconnecting").
  constructor(path, { token, reauthenticate, onEvent, onReload, onStatus }) {
    Object.assign(this, { path, token, reauthenticate, onEvent, onReload, onStatus });
    this.lastSeq = null;
    this.delay = 250;
    this.socket = null;
    this.stopped = false;
  }

  start() {
    this.onStatus("connecting");
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, "signed out");
  }

  connect() {
    this.greeted = false;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = new URLSearchParams({ token: this.token() });
    if (this.lastSeq !== null) query.set("since", String(this.lastSeq));
    const socket = new WebSocket(`${scheme}://${location.host}${this.path}?${query}`);
    socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    socket.onclose = (close) => this.closed(close.code);
    this.socket = socket;
  }

  receive(message) {
    if (message.type === "hello") {
      this.greeted = true;
      this.delay = 250;
      this.onStatus("live");
      if (this.lastSeq === null) this.reload(message.seq);
    } else if (message.type === "resync_required") {
      this.reload(message.seq);
    } else if (typeof message.seq === "number" && message.seq > (this.lastSeq ?? 0)) {
      this.lastSeq = message.seq;
      this.onEvent(message);
    }
  }

  // Events after `seq` still arrive and apply on top: each carries whole records.
  reload(seq) {
    this.lastSeq = seq;
    this.onReload();
  }

  async closed(code) {
    this.socket = null;
    if (this.stopped) return;
    this.onStatus("reconnecting");
    // A refused handshake (an access token that expired while the device
    // slept, say) closes before `hello`, without the 4001 a live socket gets.
    if (code === CLOSE_REAUTHENTICATE || !this.greeted) {
      try {
        await this.reauthenticate();
      } catch (error) {
        if (error.status === 401) return; // signed out: the page is back at sign-in
      }
    }
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
  }
}
