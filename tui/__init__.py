"""saywho's face: the Textual app and the command line.

Imports ``annotations``; the domain never imports this package.
"""
