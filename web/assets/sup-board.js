// The board as the supervisors' page keeps it: the sup.snapshot replaces it, each sup.update merges the sections it
// carries (agents.rows by id; null removes a row), and a seq that is not the next one fetches the whole board again.
// No DOM here.

/**
 * The board as the server last described it, kept current by the pushes. seq: the last update applied; a push
 * whose seq is not the next one means one was missed (or the server restarted): the whole board is fetched again.
 */
export class Board {
  /** onChange(null: everything | Set of changed sections); fetchBoard(): Promise of a <Board>; onError(e). */
  constructor({ onChange, fetchBoard, onError }) {
    this.data = null;
    this.seq = null;
    /** Server time minus browser time (ms), so times in state tick from the server's clock. */
    this.skew = 0;
    this.onChange = onChange;
    this.fetchBoard = fetchBoard;
    this.onError = onError;
    this.fetching = null;
  }

  now() { return Date.now() + this.skew; }

  replace(board) {
    this.data = board;
    this.seq = board.seq;
    this.stamp(board.at);
    const rows = (board.agents && board.agents.rows) || {};
    for (const r of Object.values(rows)) if (r) r.receivedAt = board.at;
    this.onChange(null);
  }

  stamp(at) {
    if (typeof at === 'number') this.skew = at - Date.now();
  }

  update(msg) {
    if (!this.data || this.fetching) return;
    if (msg.seq !== this.seq + 1) {
      this.refetch();
      return;
    }
    const changed = msg.changed || {};
    for (const [key, value] of Object.entries(changed)) {
      if (key === 'agents') {
        const rows = this.data.agents && this.data.agents.rows ? this.data.agents.rows : {};
        for (const [id, row] of Object.entries((value && value.rows) || {})) {
          if (row === null) delete rows[id];
          else rows[id] = Object.assign({}, rows[id], row, { receivedAt: msg.at }); // a new object: the grid redraws this row only
        }
        this.data.agents = Object.assign({}, this.data.agents, value, { rows });
      } else {
        this.data[key] = value;
      }
    }
    this.seq = msg.seq;
    this.data.seq = msg.seq;
    this.data.at = msg.at;
    this.stamp(msg.at);
    this.onChange(new Set(Object.keys(changed)));
  }

  refetch() {
    if (this.fetching) return this.fetching;
    this.fetching = this.fetchBoard()
      .then((board) => { this.fetching = null; this.replace(board); })
      .catch((e) => { this.fetching = null; this.onError(e); });
    return this.fetching;
  }
}
