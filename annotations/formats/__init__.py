"""Readers and writers.

Plain text, Markdown, HTML and JSONL in; interchange JSONL and other tools' formats out.
"""
