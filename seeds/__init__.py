"""The sample articles a new project starts with, shipped as the package ``annotations.seeds``.

pyproject.toml maps that package onto this folder (``package-dir``), so the articles have one
copy in the repository and travel inside every wheel and editable install; read them with
``importlib.resources.files("annotations.seeds")``. Files that are not articles are skipped.
"""
