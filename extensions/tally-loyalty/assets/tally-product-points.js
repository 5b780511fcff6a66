// <tally-product-points>: follows the selected variant. Liquid rendered the
// text for every variant's price into a JSON map, so this never calls the app.
// Themes announce a variant change with a `change` event on the product form's
// [name="id"] (Dawn dispatches one after updating it) and in the URL's ?variant=.
{
  class TallyProductPoints extends HTMLElement {
    connectedCallback() {
      if (this.onChange) return;
      const map = JSON.parse(this.querySelector("[data-tally-variants]").textContent);
      const text = this.querySelector("[data-tally-product-points-text]");
      // Variants of other products (a quick-add form elsewhere on the page) are not in the map.
      const show = (id) => {
        const line = map.texts[map.variants[id]];
        if (line !== undefined) text.textContent = line;
        return line !== undefined;
      };
      this.fromUrl = () => show(new URLSearchParams(location.search).get("variant"));
      this.onChange = (e) => {
        if (e.target.matches?.('form[action*="/cart/add"] [name="id"]') && !show(e.target.value))
          this.fromUrl();
      };
      document.addEventListener("change", this.onChange);
      addEventListener("popstate", this.fromUrl);
    }

    disconnectedCallback() {
      document.removeEventListener("change", this.onChange);
      removeEventListener("popstate", this.fromUrl);
      this.onChange = undefined;
    }
  }

  if (!customElements.get("tally-product-points"))
    customElements.define("tally-product-points", TallyProductPoints);
}
