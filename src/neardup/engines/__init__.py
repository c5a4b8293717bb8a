"""Engines: drivers that run the pipeline's stages over partitions of the input.

The local engine is :func:`neardup.files.dedup_files`; :mod:`neardup.engines.ray`
runs the same stages as Ray tasks. Nothing in the library imports an engine
except lazily, so ``import neardup`` never imports Ray.
"""
