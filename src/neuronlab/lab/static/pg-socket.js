// The playground's training stream: one WebSocket per session. The server sends frames
// (and refusals); the page says when it drew one, so frames never pile up, and sends
// commands (play, pause, step).

import { socketUrl } from "./api.js";

/**
 * Open the stream of `session`. `onFrame(frame)` draws a frame, `onError(message)` shows
 * a refusal, `onClose()` hears that the stream ended. Returns `send(cmd)`, false (and
 * nothing sent) when the stream is not open, and `open`. The server sends a frame as soon
 * as the stream opens, so the buttons drawn from it are live.
 */
export function openStream(session, { onFrame, onError, onClose }) {
  const ws = new WebSocket(socketUrl(`api/sessions/${session}/stream`));
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "error") onError(message.error);
    else if (message.type === "frame") {
      onFrame(message);
      // Say so: the server sends the next frames no faster than they are drawn.
      if (ws.readyState === WebSocket.OPEN) ws.send('{"cmd":"drawn"}');
    }
  };
  ws.onclose = () => onClose();
  return {
    /** True once the stream is open: until then a command would be lost. */
    get open() { return ws.readyState === WebSocket.OPEN; },
    send(cmd) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify({ cmd }));
      return true;
    },
  };
}
