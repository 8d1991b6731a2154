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
// together. One promise, so that searches started while it loads merge each shard once.
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
  if (folders.length === 0) return null; // nothing is indexed
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
  return pagefind;
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
    const pagefind = await load();
    const search = pagefind ? await pagefind.search(query) : { results: [] };
    found = await Promise.all(search.results.slice(0, SHOWN).map((result) => result.data()));
    if (ticket !== latest) return; // a newer search has started
    const count = search.results.length;
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
