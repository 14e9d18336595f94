"""Readers and writers: plain text, Markdown, HTML and JSONL in; interchange JSONL and other tools' formats out."""
