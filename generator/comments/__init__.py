"""Reader comments with moderation: off unless ``site.toml`` has a ``[comments]`` table.

The loop, module by module::

    receiver.py  `sitegen comments serve`: a Tornado app that takes the form's posts
    store.py     the SQLite database (WAL) where posted comments wait as pending
    moderate.py  `sitegen comments list|approve|reject`: the clinic decides
    export.py    `sitegen comments export`: approved comments become files beside
                 their article, which the build reads like any other content
    text.py      comment Markdown -> HTML that can hold no active content

The commenter's email is stored for the clinic's eyes only: no command prints
it and no file or page ever holds it.
"""

# Where the build writes the thank-you page (under base_url) and the receiver sends readers.
THANKS_PATH = "comments/thanks/"
