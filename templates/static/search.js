// The search page: Pagefind's index, loaded from this site, searched in the browser.
// Nothing typed here is sent anywhere; results are built with DOM methods, never innerHTML.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const results = document.getElementById("search-results");
const SHOWN = 10;

let pagefind = null;
let latest = 0;

async function load() {
  if (!pagefind) {
    pagefind = await import(form.dataset.bundle);
    await pagefind.options({ baseUrl: form.dataset.baseUrl });
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
    const search = await (await load()).search(query);
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
