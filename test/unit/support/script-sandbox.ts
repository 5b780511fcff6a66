// Runs the extension's storefront scripts as Shopify loads them (classic
// scripts sharing one global scope) with a fake `fetch` and just enough fake
// DOM to count requests and follow the redeem logic. Layout, focus and real
// events are for the browser tests.
import { readFileSync } from "node:fs";
import vm from "node:vm";

export interface FakeNode {
  textContent: string;
  hidden: boolean;
  disabled: boolean;
  value: string;
  dataset: Record<string, string>;
  attributes: Record<string, string>;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  addEventListener(type: string, listener: (event: unknown) => void): void;
  closest(selector: string): FakeNode | null;
  contains(node: unknown): boolean;
  querySelector(selector: string): FakeNode;
  focus(): void;
}

export function fakeNode(init: Partial<FakeNode> = {}): FakeNode {
  return {
    textContent: "",
    hidden: false,
    disabled: false,
    value: "",
    dataset: {},
    attributes: {},
    setAttribute(name, value) {
      this.attributes[name] = value;
    },
    removeAttribute(name) {
      delete this.attributes[name];
    },
    addEventListener() {},
    closest: () => null,
    contains: () => true,
    querySelector: () => fakeNode(),
    focus() {},
    ...init,
  };
}

export interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the app proxy answers, in order: a response, a network failure, or nothing yet. */
type Answer = { status: number; body: unknown } | "no answer" | "pending";

export interface TallyElement {
  dataset: Record<string, string>;
  connectedCallback(): void;
  [method: string]: unknown;
}

export function scriptSandbox(options: { search?: string; answers?: Answer[] } = {}) {
  const requests: Request[] = [];
  const answers = [...(options.answers ?? [])];
  const listeners: Record<string, Array<(event: unknown) => void>> = {};
  const defined = new Map<string, new () => TallyElement>();
  const context = vm.createContext({
    window: {},
    HTMLElement: class {},
    customElements: {
      get: (name: string) => defined.get(name),
      define: (name: string, element: new () => TallyElement) => defined.set(name, element),
    },
    document: {
      documentElement: { lang: "en" },
      activeElement: null,
      addEventListener: (type: string, listener: (event: unknown) => void) =>
        (listeners[type] ??= []).push(listener),
      removeEventListener() {},
      dispatchEvent: (event: { type: string }) =>
        listeners[event.type]?.forEach((listener) => listener(event)),
    },
    CustomEvent: class {
      constructor(
        public type: string,
        public init: unknown,
      ) {}
    },
    location: { search: options.search ?? "" },
    addEventListener() {},
    removeEventListener() {},
    crypto: globalThis.crypto,
    Intl,
    URLSearchParams,
    // Without a queued answer a request never settles: enough to count it.
    fetch: (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
      requests.push({
        url,
        method: init.method ?? "GET",
        headers: init.headers ?? {},
        body: init.body === undefined ? undefined : JSON.parse(init.body),
      });
      const answer = answers.shift();
      if (answer === undefined || answer === "pending") return new Promise(() => {});
      if (answer === "no answer") return Promise.reject(new TypeError("Failed to fetch"));
      return Promise.resolve({
        ok: answer.status < 300,
        status: answer.status,
        json: () => Promise.resolve(answer.body),
      });
    },
  });

  return {
    requests,
    defined,
    /** Loads an asset the way a block schema's "javascript" key does. */
    load(file: string) {
      vm.runInContext(readFileSync(file, "utf8"), context, { filename: file });
    },
    /**
     * Creates a custom element whose `querySelector` answers from `parts`
     * (keyed by selector) and connects it.
     */
    connect(name: string, dataset: Record<string, string>, parts: Record<string, FakeNode> = {}) {
      const Element = defined.get(name);
      if (!Element) throw new Error(`<${name}> is not defined`);
      const element = new Element();
      Object.assign(element, {
        dataset,
        querySelector: (selector: string) => (parts[selector] ??= fakeNode()),
        querySelectorAll: () => [],
        addEventListener() {},
      });
      element.connectedCallback();
      return element;
    },
    /** Dispatches an event to the document's listeners, as a theme would. */
    dispatch(type: string, event: unknown) {
      listeners[type]?.forEach((listener) => listener(event));
    },
  };
}
