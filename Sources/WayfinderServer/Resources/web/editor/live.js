/**
 * The connection to the people editing the same map: a WebSocket to
 * `/w/{workspace}/maps/{map}/live` that carries edits (in the server's order), who is here and
 * what they have selected, and which version the room's saver saved. It reconnects after a
 * drop, waiting longer each time, and says so.
 */

/** Opens the live connection; `handlers` get the parsed messages and the connection's state. */
export function connectLive({ workspace, map, onMessage, onState }) {
  let socket = null;
  let closedByUs = false;
  let attempt = 0;
  let timer = null;

  function open() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/w/${encodeURIComponent(workspace)}/maps/${encodeURIComponent(map)}/live`);
    socket.addEventListener('open', () => { attempt = 0; onState('open'); });
    socket.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message && typeof message.type === 'string') onMessage(message);
    });
    socket.addEventListener('close', () => {
      socket = null;
      if (closedByUs) return;
      onState('closed');
      attempt += 1;
      timer = setTimeout(open, Math.min(30000, 1000 * 2 ** Math.min(attempt, 5)));
    });
  }

  open();
  return {
    /** Sends a message; false when the connection is not open. */
    send(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    get isOpen() { return socket?.readyState === WebSocket.OPEN; },
    close() { closedByUs = true; clearTimeout(timer); socket?.close(); },
  };
}
