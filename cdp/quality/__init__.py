"""Match quality side by side: this project against the tools a user would pick instead.

``python -m cdp.quality.benchmark`` (``make quality``) runs, on public record-linkage files
and on generated samples, the project through the export contract, Splink configured as
its own tutorial, recordlinkage's ECM classifier and the exact e-mail-or-phone rule, and
prints one table of precision, recall, F1 and wall seconds.
"""
