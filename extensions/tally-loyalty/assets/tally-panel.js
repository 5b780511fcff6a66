// <tally-panel>: the launcher and rewards panel of the Tally app embed.
// Liquid renders every word (blocks/app-embed.liquid, snippets/tally-member.liquid);
// this file opens and closes the panel, fills in numbers and redeems.
// Wrapped in a block: Shopify loads extension scripts as classic scripts,
// which share one global scope.
{
  const lang = document.documentElement.lang || undefined;
  const numbers = new Intl.NumberFormat(lang);
  const plurals = new Intl.PluralRules(lang);
  // One request per page view, shared with tally-balance.js. Each script must
  // work alone, so the helper is repeated there; the promise lives on window.
  const customer = (proxy) =>
    (window.TallyCustomer ||= fetch(`${proxy}/customer`, { headers: { Accept: "application/json" } }).then(
      (res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))),
    ));

  // Writes a number into every [data-n] under `el` and shows the plural form
  // (rendered by snippets/tally-plural.liquid) that fits it.
  const count = (el, n, text = numbers.format(n)) => {
    const form = plurals.select(n) === "one" ? "one" : "other";
    for (const f of el.querySelectorAll("[data-plural]")) f.hidden = f.dataset.plural !== form;
    for (const s of el.querySelectorAll("[data-n]")) s.textContent = text;
  };

  class TallyPanel extends HTMLElement {
    connectedCallback() {
      if (this.panel) return;
      this.panel = this.querySelector("[data-tally-panel]");
      this.launcher = this.querySelector("[data-tally-launcher]");
      this.keys = {};
      this.launcher.addEventListener("click", () => this.toggle(this.panel.hidden));
      this.addEventListener("keydown", (e) => {
        if (e.key === "Escape" && !this.panel.hidden) this.toggle(false);
      });
      this.panel.addEventListener("click", (e) => {
        const button = e.target.closest("button");
        if (button?.matches("[data-tally-close]")) this.toggle(false);
        else if (button?.matches("[data-tally-redeem]")) this.redeem(button);
        else if (button?.matches("[data-tally-copy]")) this.copy(button);
      });
      const proxy = this.dataset.tallyProxy;
      if (this.dataset.loggedIn !== "true" || !proxy) return;
      customer(proxy).then(
        (answer) => (answer.loggedIn ? this.fill(answer) : this.say("guest", true)),
        () => this.say("load_failed", true),
      );
    }

    toggle(open) {
      this.panel.hidden = !open;
      this.launcher.setAttribute("aria-expanded", String(open));
      (open ? this.panel : this.launcher).focus();
    }

    part(name) {
      return this.querySelector(`[data-tally-${name}]`);
    }

    clone(name) {
      return this.part(`${name}-template`).content.firstElementChild.cloneNode(true);
    }

    fill(answer) {
      this.say();
      this.setPoints(answer.points);
      this.part("pending").textContent = numbers.format(answer.pendingPoints);
      this.part("pending-row").hidden = !(answer.pendingPoints > 0);
      this.part("tier").textContent = answer.tier?.name ?? "";
      this.part("tier-row").hidden = !answer.tier;
      this.showNext(answer.nextTier);
      this.part("rewards").replaceChildren(...answer.rewards.map((reward) => this.rewardItem(reward)));
      this.part("rewards-empty").hidden = answer.rewards.length > 0;
      for (const issued of [...answer.issued].reverse()) this.addCode(issued);
    }

    setPoints(points) {
      this.points = points;
      for (const el of this.querySelectorAll("[data-tally-points]")) el.textContent = numbers.format(points);
      this.afford();
    }

    showNext(next) {
      const box = this.part("next");
      box.hidden = !next;
      if (!next) return;
      const remaining =
        next.metric === "AMOUNT_SPENT"
          ? new Intl.NumberFormat(lang, { style: "currency", currency: next.currency }).format(next.remaining)
          : numbers.format(next.remaining);
      for (const label of box.querySelectorAll("[data-tally-next-label]")) {
        label.hidden = label.dataset.tallyNextLabel !== next.metric;
        count(label, next.remaining, remaining);
      }
      for (const name of box.querySelectorAll("[data-tally-next-name]")) name.textContent = next.name;
      const percent = Math.round(Math.min(Math.max(next.progress, 0), 1) * 100);
      const bar = this.part("progress");
      bar.style.setProperty("--tally-progress", `${percent}%`);
      bar.setAttribute("aria-valuenow", String(percent));
    }

    rewardItem(reward) {
      const item = this.clone("reward");
      item.dataset.tallyReward = reward.id;
      item.dataset.cost = reward.pointsCost;
      item.querySelector("[data-tally-reward-name]").textContent = reward.name;
      count(item, reward.pointsCost);
      this.setAffordable(item, reward.affordable);
      return item;
    }

    setAffordable(item, affordable) {
      item.dataset.affordable = String(affordable);
      item.querySelector("[data-tally-redeem]").disabled = !affordable;
    }

    // After a redeem the balance is known locally; the proxy is not asked again.
    afford() {
      for (const item of this.querySelectorAll("[data-tally-reward]")) {
        if (!item.querySelector("[aria-busy]"))
          this.setAffordable(item, Number(item.dataset.cost) <= this.points);
      }
    }

    addCode(issued) {
      const item = this.clone("code");
      item.dataset.tallyIssued = issued.id;
      item.querySelector("[data-tally-code-name]").textContent = issued.rewardName;
      item.querySelector("[data-tally-code]").textContent = issued.code;
      const expiry = item.querySelector("[data-tally-expiry]");
      if (issued.expiresAt) {
        expiry.dateTime = issued.expiresAt;
        expiry.textContent = new Intl.DateTimeFormat(lang, { dateStyle: "medium" }).format(
          new Date(issued.expiresAt),
        );
      } else item.querySelector("[data-tally-expiry-row]").hidden = true;
      this.part("codes").prepend(item);
      this.part("codes-section").hidden = false;
    }

    // One idempotency key per redeem intent. It is kept for a retry only while
    // the outcome is unknown (no answer, no error code, or the server still at
    // work on it), so a retry can never redeem twice; any clear answer ends the intent.
    async redeem(button) {
      const item = button.closest("[data-tally-reward]");
      const rewardId = item.dataset.tallyReward;
      const idempotencyKey = (this.keys[rewardId] ||= crypto.randomUUID());
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      this.say("redeeming");
      let answer = {};
      let error = "offline";
      try {
        const res = await fetch(`${this.dataset.tallyProxy}/redeem`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ rewardId, idempotencyKey }),
        });
        answer = await res.json().catch(() => ({}));
        error = res.ok && answer.redemption ? "" : answer.error || "default";
      } catch {
        // No answer reached us: "offline" stands.
      }
      button.removeAttribute("aria-busy");
      if (!["offline", "default", "redemption_in_progress"].includes(error)) delete this.keys[rewardId];
      if (error) this.say(error, true);
      else this.redeemed(answer);
      this.afford();
      // A focused button that just became disabled drops focus to <body>,
      // where Escape and the keyboard user would be lost: keep it in the panel.
      if (!this.panel.hidden && !this.panel.contains(document.activeElement)) this.panel.focus();
    }

    redeemed({ redemption, points }) {
      this.setPoints(points);
      document.dispatchEvent(new CustomEvent("tally:points", { detail: { points } }));
      if (redemption.code) {
        this.addCode(redemption);
        this.say("redeemed");
      } else {
        const { amount, currency } = redemption.credit;
        this.say("credited");
        this.part("amount").textContent = new Intl.NumberFormat(lang, { style: "currency", currency }).format(
          amount,
        );
      }
    }

    copy(button) {
      const code = button.closest("[data-tally-issued]").querySelector("[data-tally-code]");
      Promise.resolve()
        .then(() => navigator.clipboard.writeText(code.textContent))
        .then(
          () => this.say("copied"),
          () => {
            getSelection().selectAllChildren(code);
            this.say("select");
          },
        );
    }

    // Shows one of the messages snippets/tally-member.liquid rendered, found
    // by key (an error code from docs/storefront.md or a status); none clears.
    say(key, isError = false) {
      const box = this.part("message");
      const strings = [...this.part("strings").content.children];
      const message =
        key &&
        (strings.find((s) => s.dataset.key === key) ?? strings.find((s) => s.dataset.key === "default"));
      box.replaceChildren(...(message ? message.cloneNode(true).childNodes : []));
      box.dataset.tallyError = isError ? key : "";
    }
  }

  if (!customElements.get("tally-panel")) customElements.define("tally-panel", TallyPanel);
}
