"""What makes the public pages usable, findable, printable and fast: the printable
programme, schema.org JSON-LD, social previews and share links, sitemap and robots.txt,
hashed static assets and response compression."""
