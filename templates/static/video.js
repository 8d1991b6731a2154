// Video blocks: the player is loaded from the video host only when the reader
// presses play, so that opening a page tells that host nothing.
for (const poster of document.querySelectorAll("a[data-video-embed]")) {
  poster.addEventListener("click", (event) => {
    event.preventDefault();
    const player = document.createElement("iframe");
    player.className = "video__player";
    player.src = poster.dataset.videoEmbed;
    player.title = poster.dataset.videoTitle;
    player.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    player.allowFullscreen = true;
    player.referrerPolicy = "strict-origin-when-cross-origin";
    poster.replaceWith(player);
    player.focus();
  });
}
