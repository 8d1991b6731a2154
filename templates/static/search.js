// The search page: Pagefind's index, loaded from this site, searched in the browser.
// Nothing typed here is sent anywhere; results are built with DOM methods, never innerHTML.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const results = document.getElementById("search-results");
const SHOWN = 10;

let loading = null;
let latest = 0;

// The index is in shards, listed by a manifest beside them (the build changes it, not
// this page): the first shard's Pagefind searches the others too, ranking all results
// together. Loading gives a function from a query to its results, best first. One
// promise, so that searches started while it loads merge each shard once.
function load() {
  loading ??= open().catch((error) => {
    loading = null; // the next search tries again
    throw error;
  });
  return loading;
}

async function open() {
  const manifest = new URL(form.dataset.index, document.baseURI);
  const response = await fetch(manifest, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${manifest}: HTTP ${response.status}`);
  const folders = (await response.json()).shards.map((name) => new URL(name, manifest).pathname);
  if (folders.length === 0) return async () => []; // nothing is indexed
  const [first, ...others] = folders;
  const baseUrl = form.dataset.baseUrl;
  const pagefind = await import(`${first}pagefind.js`);
  try {
    await pagefind.options({ baseUrl });
    await Promise.all(others.map((folder) => pagefind.mergeIndex(folder, { baseUrl })));
  } catch (error) {
    await pagefind.destroy(); // so that trying again does not merge a shard twice
    throw error;
  }
  if (others.length === 0) return async (query) => (await pagefind.search(query)).results;
  return (query) => matching(pagefind, query);
}

// Pagefind's excerpt is text with <mark> around the matches: keep exactly that.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const paragraph = document.createElement("p");
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function item(data) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  li.append(link, excerpt(data.excerpt || ""));
  return li;
}

// Pagefind leaves out of a query the words that an index does not hold at all, so a
// shard without one of the words would list its pages that have only the others,
// which one index of the whole site would not. Keep the results that every word
// found anywhere matches; a word no shard holds is left out, as one index does.
// Results stay in Pagefind's order, by relevance across all shards.
async function matching(pagefind, query) {
  const { results } = await pagefind.search(query);
  const words = query.split(/\s+/);
  if (words.length < 2 || query.includes('"')) return results; // a quoted phrase needs every word
  const found = await Promise.all(words.map((word) => pagefind.search(word)));
  const sets = found.map((search) => new Set(search.results.map((result) => result.id)));
  const held = sets.filter((ids) => ids.size > 0);
  return results.filter((result) => held.every((ids) => ids.has(result.id)));
}

async function run() {
  const query = input.value.trim();
  const ticket = ++latest;
  if (!query) {
    results.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  let found;
  try {
    const matches = await (await load())(query);
    found = await Promise.all(matches.slice(0, SHOWN).map((result) => result.data()));
    if (ticket !== latest) return; // a newer search has started
    const count = matches.length;
    results.replaceChildren(...found.map(item));
    status.textContent =
      count === 0 ? `No articles match “${query}”.`
      : `${count} ${count === 1 ? "article matches" : "articles match"} “${query}”` +
        (count > SHOWN ? `; the best ${SHOWN} are shown.` : ".");
  } catch (error) {
    if (ticket !== latest) return;
    results.replaceChildren();
    status.textContent = "Search is not available right now.";
    console.error(error);
  }
}

// Loading every shard takes a moment: start when the field is first focused.
input.addEventListener("focus", () => load().catch(() => {}), { once: true });

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(run, 200);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run();
});
