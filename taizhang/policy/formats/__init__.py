"""One module per file format, each a pure function ``text_of(data, *, name) -> str``."""
