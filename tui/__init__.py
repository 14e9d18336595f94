"""saywho's face: the Textual app and the command line. Imports ``annotations``, never the reverse."""
