// <tally-balance>: the "Points balance" block. Liquid paints the balance stored
// on the customer (or, for guests, an invitation and no data-tally-proxy, so no
// request); this replaces it with the app proxy's answer and follows redeems.
{
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  // One request per page view, shared with tally-panel.js (same helper there).
  const customer = (proxy) =>
    (window.TallyCustomer ||= fetch(`${proxy}/customer`, { headers: { Accept: "application/json" } }).then(
      (res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))),
    ));

  class TallyBalance extends HTMLElement {
    connectedCallback() {
      const proxy = this.dataset.tallyProxy;
      if (this.dataset.loggedIn !== "true" || !proxy || this.onPoints) return;
      this.onPoints = (e) => this.show(e.detail.points);
      document.addEventListener("tally:points", this.onPoints);
      customer(proxy).then(
        (answer) => answer.loggedIn && this.show(answer.points, answer.pendingPoints),
        () => {}, // the first paint stays; the panel, if any, says what went wrong
      );
    }

    disconnectedCallback() {
      document.removeEventListener("tally:points", this.onPoints);
      this.onPoints = undefined;
    }

    show(points, pending) {
      this.querySelector("[data-tally-points]").textContent = numbers.format(points);
      const row = this.querySelector("[data-tally-pending-row]");
      if (!row || pending === undefined) return;
      row.querySelector("[data-tally-pending]").textContent = numbers.format(pending);
      row.hidden = !(pending > 0);
    }
  }

  if (!customElements.get("tally-balance")) customElements.define("tally-balance", TallyBalance);
}
