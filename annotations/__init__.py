"""saywho's domain: documents, quotes, speakers, stance, the project store and formats.

Pure Python: this package never imports Textual, so it is usable from a notebook or a script.
"""

__version__ = "0.1.0"
